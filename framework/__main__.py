"""`python -m framework {train,compare,trajectory,predict,export}`: the main job (also the `framework` console script).

Bad input (unknown optimizer or hyperparameter, missing data) ends with one
line on stderr and exit status 2, never a traceback.
"""
import os
import sys


def main(argv=None):
	from framework.Cli.Args import buildParser
	from framework.Backend.Compilation import CompilerError
	from framework.Cli.CliError import CliError
	from framework.Datasets.DatasetError import DatasetError

	parser = buildParser()
	args = parser.parse_args(argv)
	try:
		return args.run(args)
	except (CliError, DatasetError, FileNotFoundError) as e:
		print("framework %s: error: %s" % (args.command, e), file=sys.stderr)
		return 2
	except (ValueError, TypeError) as e:
		# Checks inside the framework (checkpoint mismatch, bad hyperparameter value) already name what is wrong
		print("framework %s: error: %s" % (args.command, e), file=sys.stderr)
		return 2
	except CompilerError as e:
		# No compiler, a failed compile or an unsafe kernel cache: one line, naming the log when there is one
		print("framework %s: error: %s" % (args.command, e), file=sys.stderr)
		return 1
	except KeyboardInterrupt:
		print("framework %s: interrupted" % args.command, file=sys.stderr)
		return 130
	except BrokenPipeError:
		# The reader went away (`| head`): stop quietly, and keep Python from complaining again at exit
		os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
		return 1


if __name__ == "__main__":
	sys.exit(main())
