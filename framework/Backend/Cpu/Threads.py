"""How many threads the CPU backend runs, and how its idle OpenMP threads wait.

Waiting: between parallel regions an OpenMP thread spins (libgomp: about 300,000 polls) before it sleeps, so
that the next region starts at once. On a machine of its own that saves a wake-up per kernel; on a shared one the
spinning thread takes a core that another process needs, and a parallel region waits for its slowest thread, which
shares a core with a busy process. With one busy process on one of two cores, `python -m framework train` took
60 s instead of 2.4 s. The command line therefore asks for passive waiting (Config.preferPassiveWait) before any
kernel loads the OpenMP runtime, which reads the environment once; a library user chooses with OMP_WAIT_POLICY
(bench/load.py measures the effect).

Count: Config.setNumThreads / FRAMEWORK_NUM_THREADS, else OMP_NUM_THREADS, else every core. Before the runtime has
started the count travels as OMP_NUM_THREADS; afterwards omp_set_num_threads changes it for the calling thread
(the one that launches the kernels).
"""
import os

from framework.Backend.Cpu import Blas, Compiler

CONTROL_SOURCE = r"""
#include <omp.h>
void fw_setThreads(int n) { omp_set_num_threads(n); }
int fw_maxThreads(void) { return omp_get_max_threads(); }
"""


def _control():
	return Compiler.load(CONTROL_SOURCE, "threadControl")


def setThreads(n):
	"""Our OpenMP kernels and OpenBLAS use n threads from now on."""
	if Compiler.loadedCount() == 0:  # no kernel has started the OpenMP runtime yet: it will read this
		os.environ["OMP_NUM_THREADS"] = str(n)
	else:
		_control().fw_setThreads(n)
	Blas.setThreads(n)


def maxThreads():
	"""The threads a parallel kernel launched from this thread gets (omp_get_max_threads)."""
	return _control().fw_maxThreads()
