"""`python -m framework {train,compare,trajectory,predict,export}`: the main job (also the `framework` console script).

Bad input (unknown optimizer or hyperparameter, missing data, an unusable --out) ends with one line on stderr
and exit status 2, a diverged run (non-finite loss) with one line and status 1, Ctrl-C with one line and
status 130: never a traceback.
"""
import os
import sys


def main(argv=None):
	argv = sys.argv[1:] if argv is None else list(argv)
	try:
		return _run(argv)
	except KeyboardInterrupt:
		# Caught here, around the imports too: Ctrl-C while numpy loads or a kernel compiles is just as clean
		print("framework %s: interrupted" % _commandName(argv), file=sys.stderr)
		return 130


def _commandName(argv):
	return next((arg for arg in argv if not arg.startswith("-")), "")


def _run(argv):
	# Imported here, inside main's KeyboardInterrupt guard: loading numpy and the backends takes a noticeable moment
	from framework import Config
	from framework.Backend.Compilation import CompilerError
	from framework.Cli.CliError import CliError
	from framework.Cli.DivergedError import DivergedError
	from framework.Cli.Parser import buildParser
	from framework.Datasets.DatasetError import DatasetError

	# Before any kernel loads the OpenMP runtime: idle threads sleep rather than spin on a shared machine
	Config.preferPassiveWait()
	parser = buildParser()
	args = parser.parse_args(argv)
	try:
		return args.run(args)
	except (CliError, DatasetError, FileNotFoundError) as e:
		print("framework %s: error: %s" % (args.command, e), file=sys.stderr)
		return 2
	except DivergedError as e:
		print("framework %s: error: %s" % (args.command, e), file=sys.stderr)
		return 1
	except CompilerError as e:
		# No compiler, a failed compile or an unsafe kernel cache: one line, naming the log when there is one
		print("framework %s: error: %s" % (args.command, e), file=sys.stderr)
		return 1
	except (ValueError, TypeError) as e:
		# Checks inside the framework (checkpoint mismatch, bad hyperparameter value) already name what is wrong
		print("framework %s: error: %s" % (args.command, e), file=sys.stderr)
		return 2
	except BrokenPipeError:
		# The reader went away (`| head`): stop quietly, and keep Python from complaining again at exit
		os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
		return 1


if __name__ == "__main__":
	sys.exit(main())
