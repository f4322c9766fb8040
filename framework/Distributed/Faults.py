"""An uncaught exception on one rank ends the whole MPI job instead of leaving the others waiting in a collective."""
import sys
import traceback


def abortOnUncaught(comm):
	"""Installs a sys.excepthook that prints the traceback with the rank, then calls comm.Abort(1).

	Abort makes the launcher kill every rank within seconds with a non-zero status. KeyboardInterrupt takes the
	same path: checkpoints are written to a temporary file and renamed, so the last complete one survives.
	"""
	if getattr(sys.excepthook, "abortsComm", None) is not None:
		return

	def abortJob(kind, value, tb):
		try:
			sys.stderr.write("rank %d of %d: uncaught %s, aborting the MPI job\n" % (comm.Get_rank(), comm.Get_size(), kind.__name__))
			traceback.print_exception(kind, value, tb)
			sys.stderr.flush()
			sys.stdout.flush()
		finally:
			comm.Abort(1)

	abortJob.abortsComm = comm
	sys.excepthook = abortJob
