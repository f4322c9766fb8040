"""The main job, `python -m framework` (or the `framework` console script): train, compare, trajectory, predict, export.

Each subcommand lives in its own module; Args builds the parser and turns
--optimizer/--opt/--schedule into objects, reporting bad input as CliError.
"""
