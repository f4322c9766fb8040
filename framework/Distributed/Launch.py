"""How this process was launched, and mpi4py imported on demand: single-process users never need MPI."""
import os

INSTALL_HINT = 'pip install -e ".[mpi]"'

# World size as each launcher exports it to its processes (MPICH/Hydra, Intel MPI and Slurm's PMI; Open MPI;
# PMIx; MVAPICH), read before mpi4py is imported, so a plain `python` run never starts MPI.
SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MV2_COMM_WORLD_SIZE")
RANK_VARIABLES = ("PMI_RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "MV2_COMM_WORLD_RANK")


def launchedSize(environ=None):
	"""The number of processes the MPI launcher started (1 when not launched by mpiexec/srun)."""
	environ = os.environ if environ is None else environ
	for name in SIZE_VARIABLES:
		value = environ.get(name, "").strip()
		if value.isdigit() and int(value) > 0:
			return int(value)
	return 1


def launchedRank(environ=None):
	"""This process's rank as the launcher exported it (0 when not launched by mpiexec/srun)."""
	environ = os.environ if environ is None else environ
	for name in RANK_VARIABLES:
		value = environ.get(name, "").strip()
		if value.isdigit():
			return int(value)
	return 0


def importMpi(who):
	"""mpi4py's MPI module; without mpi4py, an ImportError naming the extra to install."""
	try:
		from mpi4py import MPI
	except ImportError as e:
		raise ImportError("%s: data-parallel training needs mpi4py and an MPI library: %s (%s)" % (who, INSTALL_HINT, e)) from None
	return MPI
