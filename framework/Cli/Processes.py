"""`mpiexec -n N python -m framework train|compare`: the NodeInfo of a data-parallel run; output from rank 0 alone.

The launcher's environment says how many processes it started, so a plain `python -m framework` never imports
mpi4py; N > 1 without mpi4py is one line naming the extra to install.
"""
import functools
import sys

from framework.Cli.CliError import CliError
from framework.Distributed import NodeInfo  # imports mpi4py only when a NodeInfo is made
from framework.Distributed.Launch import INSTALL_HINT, launchedRank, launchedSize


def launchNode():
	"""A NodeInfo when the MPI launcher started several processes, else None. Call it before the first array."""
	size = launchedSize()
	if size == 1:
		return None
	try:
		return NodeInfo()
	except ImportError:
		if launchedRank() != 0:
			raise SystemExit(2) from None  # rank 0 says it, once
		raise CliError("launched as %d processes, but data-parallel training needs mpi4py and an MPI library: %s" % (
			size, INSTALL_HINT
		)) from None


def isRoot(node):
	"""Whether this process prints and writes: a single process, or rank 0 of a data-parallel run."""
	return node is None or node.isRoot


def printer(node):
	"""print on the process that speaks for the job (see isRoot), a function that prints nothing on the others."""
	return print if isRoot(node) else (lambda *args, **kwargs: None)


def describeProcesses(node):
	"""The header's note on the processes: empty for one."""
	return "" if node is None or node.size == 1 else ", data-parallel on %d processes" % node.size


def endJobOnError(command):
	"""Wraps a command's run(args): under mpiexec, an error that ends the command on one rank aborts the whole job.

	__main__ turns the expected errors (bad input, Ctrl-C) into a message and a return code; a rank that returned
	would leave the others waiting in their next collective forever. Here such a rank prints the same one line,
	with its rank, and calls MPI_Abort; other exceptions reach the NodeInfo's excepthook, which does the same.
	"""
	@functools.wraps(command)
	def run(args):
		try:
			return command(args)
		except (ValueError, TypeError, FileNotFoundError, KeyboardInterrupt) as e:  # CliError, DatasetError: ValueError
			MPI = sys.modules.get("mpi4py.MPI")
			if launchedSize() == 1 or MPI is None or not MPI.Is_initialized() or MPI.Is_finalized():
				raise
			interrupted = isinstance(e, KeyboardInterrupt)
			print("framework %s: rank %d: %s" % (
				args.command, MPI.COMM_WORLD.Get_rank(), "interrupted" if interrupted else "error: %s" % e
			), file=sys.stderr, flush=True)
			MPI.COMM_WORLD.Abort(130 if interrupted else 2)
	return run
