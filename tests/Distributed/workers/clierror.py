"""Worker: a command wrapped like `train`, run the way __main__ runs it (bad input becomes a message and exit status
2), whose last rank fails with bad input while the others wait in a barrier."""
import argparse
import sys

from framework.Cli import Processes
from framework.Cli.CliError import CliError


@Processes.endJobOnError
def run(args):
	node = Processes.launchNode()
	if node.rank == node.size - 1:
		raise CliError("no checkpoint on this rank")
	node.barrier()
	print("rank %d finished, which it must not" % node.rank)


def main():
	try:
		return run(argparse.Namespace(command="train"))
	except CliError as e:  # what __main__ does: one line, status 2, and this rank's process ends normally
		print("framework train: error: %s" % e, file=sys.stderr)
		return 2


sys.exit(main())
