"""Threads of the CPU backend: the count (Config.setNumThreads, FRAMEWORK_NUM_THREADS, --threads) and the wait policy."""
import os
import subprocess
import sys
import textwrap

import pytest

from framework import Config

CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def run(script, **env):
	"""Runs script on the CPU backend in a fresh interpreter (the OpenMP runtime starts once per process)."""
	env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), FRAMEWORK_BACKEND="cpu", **env)
	for name in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "FRAMEWORK_NUM_THREADS"):
		if name not in env or env[name] is None:
			env.pop(name, None)
	result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
	assert result.returncode == 0, result.stderr
	return result.stdout.split()


# A kernel reports the team it would run with, so the count is checked where the kernels see it
THREADS = textwrap.dedent("""
	import numpy as np
	from framework import Config
	from framework.Backend import gpuarray
	from framework.Backend.Kernels import ElementwiseKernel
	report = ElementwiseKernel("int *out", "out[i] = omp_get_max_threads()", "testThreadsReport")
	def threads():
		out = gpuarray.zeros(1, np.int32)
		report(out)
		return int(out.get()[0])
""")


def test_defaultUsesEveryCore():
	assert run(THREADS + "print(threads())", OMP_NUM_THREADS=None) == [str(CORES)]


@pytest.mark.skipif(CORES < 2, reason="needs two cores to tell 1 thread from the default")
def test_setNumThreadsBeforeAndAfterTheFirstKernel():
	assert run(THREADS + "Config.setNumThreads(1); print(threads())") == ["1"]
	assert run(THREADS + "print(threads()); Config.setNumThreads(1); print(threads()); Config.setNumThreads(2); print(threads())") == [
		str(CORES), "1", "2"]
	assert run(THREADS + "print(threads(), Config.getNumThreads())", FRAMEWORK_NUM_THREADS="1") == ["1", "1"]


@pytest.mark.skipif(CORES < 2, reason="needs two cores to tell 1 thread from the default")
def test_threadsOption(tmp_path):
	out = run(THREADS + textwrap.dedent("""
		from framework.__main__ import main
		assert main(["train", "--epochs", "1", "--subset", "64", "--threads", "1", "--out", %r]) == 0
		print(threads())
	""" % str(tmp_path)))
	assert out[-1] == "1"


def test_threadsOptionRejectsZero(tmp_path):
	env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), FRAMEWORK_BACKEND="cpu")
	result = subprocess.run([sys.executable, "-m", "framework", "train", "--threads", "0", "--out", str(tmp_path)],
		capture_output=True, text=True, env=env)
	assert result.returncode == 2 and "--threads: expected a positive integer, got '0'" in result.stderr


def test_badThreadCountsAreClear(monkeypatch):
	for bad in (0, -1, 1.5, "2", True):
		with pytest.raises(ValueError, match="Config.setNumThreads: expected a positive int for the thread count, got"):
			Config.setNumThreads(bad)
	monkeypatch.setenv("FRAMEWORK_NUM_THREADS", "many")
	with pytest.raises(ValueError, match="FRAMEWORK_NUM_THREADS: expected a positive integer, got 'many'"):
		Config.getNumThreads()


def test_theCommandLineAsksForPassiveWaitUnlessTheUserChose():
	# a bad subcommand ends in argparse's exit, after the policy is chosen and before any work
	probe = (
		"import os, framework.__main__ as m\ntry:\n\tm.main(['no-such-command'])\nexcept SystemExit:\n\tpass\n"
		"print(os.environ.get('OMP_WAIT_POLICY'))"
	)
	assert run(probe, OMP_WAIT_POLICY=None)[-1] == "passive"
	assert run(probe, OMP_WAIT_POLICY="active")[-1] == "active"
	assert run(probe, OMP_WAIT_POLICY=None, GOMP_SPINCOUNT="10000")[-1] == "None"


def test_theLibraryLeavesTheWaitPolicyToTheUser():
	# spinning threads make a dedicated machine's steps faster (Config.preferPassiveWait says by how much)
	probe = "import os; from framework.Backend import impl; impl(); print(os.environ.get('OMP_WAIT_POLICY'))"
	assert run(probe, OMP_WAIT_POLICY=None) == ["None"]
