"""Runs a worker script under `mpiexec -n N` for the distributed tests, which themselves are ordinary pytest.

The tests need mpi4py and an mpiexec on PATH (pip install -e ".[mpi]"); without them they skip, unless
FRAMEWORK_REQUIRE_MPI=1 (set by .ci/run), which turns the skip into a failure so CI cannot pass vacuously.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKERS = pathlib.Path(__file__).resolve().parent / "workers"

# The rank counts every multi-process test runs with: 2 (even shards) and 3 (uneven shards of most batches)
RANKS = (2, 3)

# Launcher variables that would make a child think it is already part of a job
LAUNCH_VARIABLES = ("PMI_", "OMPI_", "PMIX_", "MV2_", "HYDRA_", "MPI_LOCALRANKID", "MPI_LOCALNRANKS")


def requireMpi():
	"""mpiexec's path; skips the test (fails it under FRAMEWORK_REQUIRE_MPI=1) where MPI is not installed."""
	problem = None
	try:
		import mpi4py  # noqa: F401
	except ImportError:
		problem = 'mpi4py is not installed (pip install -e ".[mpi]")'
	mpiexec = shutil.which("mpiexec")
	if problem is None and mpiexec is None:
		problem = "no mpiexec on PATH"

	if problem is not None:
		if os.environ.get("FRAMEWORK_REQUIRE_MPI") == "1":
			pytest.fail("FRAMEWORK_REQUIRE_MPI=1 but " + problem)
		pytest.skip(problem)
	return mpiexec


def childEnv(**extra):
	env = {k: v for k, v in os.environ.items() if not k.startswith(LAUNCH_VARIABLES)}
	env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
	env.setdefault("FRAMEWORK_BACKEND", "cpu")
	# One thread per rank: N ranks share the cores, and OpenMP teams per rank would only fight over them
	env["OMP_NUM_THREADS"] = "1"
	env.update({k: str(v) for k, v in extra.items()})
	return env


def runMpi(ranks, worker, *args, timeout=240, env=None):
	"""Runs tests/Distributed/workers/<worker> under mpiexec -n ranks; returns the CompletedProcess."""
	mpiexec = requireMpi()
	command = [mpiexec, "-n", str(ranks), sys.executable, str(WORKERS / worker)] + [str(a) for a in args]
	return subprocess.run(command, cwd=str(ROOT), env=childEnv(**(env or {})), capture_output=True, text=True, timeout=timeout)


def runMpiOk(ranks, worker, *args, timeout=240, env=None):
	result = runMpi(ranks, worker, *args, timeout=timeout, env=env)
	assert result.returncode == 0, "mpiexec -n %d %s failed (%d):\n%s\n%s" % (ranks, worker, result.returncode, result.stdout, result.stderr)
	return result


def readJson(path):
	with open(path) as f:
		return json.load(f)
