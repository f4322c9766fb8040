"""NodeInfo in one process (size 1 must work like any other size) and its collectives under mpiexec -n 2 and -n 3."""
import sys

import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Backend.Collective import runInPlace
from framework.Distributed import Launch
from tests.Distributed.mpirun import RANKS, readJson, requireMpi, runMpiOk


@pytest.fixture
def node():
	requireMpi()
	from framework.Distributed import NodeInfo
	return NodeInfo()


def test_single_process(node):
	assert (node.rank, node.size, node.localRank, node.isRoot) == (0, 1, 0, True)

	ary = gpuarray.to_gpu(np.array([1.5, -2.0, 3.0]))
	assert node.allReduceMean(ary) is ary and node.allReduceSum(ary) is ary and node.broadcast(ary) is ary
	np.testing.assert_array_equal(ary.get(), [1.5, -2.0, 3.0])
	assert node.meanValue(np.float32(2.5)) == 2.5
	assert node.shard(5) == (0, 5)
	assert node.allGather("x") == ["x"]
	node.barrier()


def test_cpu_arrays_reach_mpi_without_a_copy():
	# The collective sees the array's own memory: nothing is allocated or copied on the way
	ary = gpuarray.zeros((4, 3), np.float32)[1:3]
	seen = []
	runInPlace(ary, lambda buf: seen.append((buf.ctypes.data, buf.shape, buf.dtype)) or buf.fill(7))
	assert seen == [(ary.ptr, (2, 3), np.dtype(np.float32))]
	np.testing.assert_array_equal(ary.get(), np.full((2, 3), 7, np.float32))


def test_bad_arguments(node):
	from framework.Distributed import NodeInfo

	with pytest.raises(TypeError, match="NodeInfo.allReduceMean: expected a backend array"):
		node.allReduceMean(np.zeros(3))
	with pytest.raises(TypeError, match="NodeInfo.allReduceMean: expected a float array"):
		node.allReduceMean(gpuarray.zeros(3, np.int32))
	with pytest.raises(ValueError, match=r"NodeInfo.broadcast: root must be a rank in \[0, 1\), got 1"):
		node.broadcast(gpuarray.zeros(3, np.float32), root=1)
	with pytest.raises(TypeError, match="NodeInfo.meanValue: expected a real number"):
		node.meanValue("1.0")
	with pytest.raises(ValueError, match="NodeInfo.shard: total must be a non-negative int"):
		node.shard(-1)
	with pytest.raises(TypeError, match="NodeInfo: comm must be an mpi4py intracommunicator"):
		NodeInfo(comm="world")


def test_missing_mpi4py_names_the_extra(monkeypatch):
	monkeypatch.setitem(sys.modules, "mpi4py", None)  # import mpi4py now raises ImportError
	from framework.Distributed import NodeInfo
	with pytest.raises(ImportError, match=r'NodeInfo: data-parallel training needs mpi4py .*pip install -e "\.\[mpi\]"'):
		NodeInfo()


def test_launched_size_from_the_launchers_variables():
	assert Launch.launchedSize({}) == 1
	assert Launch.launchedSize({"PMI_SIZE": "3"}) == 3
	assert Launch.launchedSize({"OMPI_COMM_WORLD_SIZE": "8"}) == 8
	assert Launch.launchedSize({"PMI_SIZE": ""}) == 1


def test_importing_the_package_does_not_import_mpi4py():
	import subprocess
	from tests.Distributed.mpirun import childEnv
	code = "import sys, framework.Distributed, framework.Optimizers; print('mpi4py' in sys.modules)"
	result = subprocess.run([sys.executable, "-c", code], env=childEnv(), capture_output=True, text=True, timeout=120)
	assert result.returncode == 0, result.stderr
	assert result.stdout.strip() == "False"


@pytest.mark.parametrize("ranks", RANKS)
def test_collectives(ranks, tmp_path):
	out = tmp_path / "seen.json"
	runMpiOk(ranks, "collectives.py", out)
	seen = readJson(out)

	assert [s["rank"] for s in seen] == list(range(ranks))
	assert all(s["size"] == ranks for s in seen)
	assert [s["localRank"] for s in seen] == list(range(ranks))  # one host: local rank = rank
	assert [s["isRoot"] for s in seen] == [True] + [False] * (ranks - 1)

	base = np.arange(6) + 1.0
	weight = sum(range(1, ranks + 1))
	for s in seen:
		for dtype, rtol in (("float32", 1e-6), ("float64", 1e-15)):
			np.testing.assert_allclose(s["sum_" + dtype], base * weight, rtol=rtol)
			np.testing.assert_allclose(s["mean_" + dtype], base * weight / ranks, rtol=rtol)
		assert s["broadcast"] == [[ranks - 1] * 3] * 2
		assert s["meanValue"] == pytest.approx((ranks - 1) / 2 + 0.5)

	for total in ("0", "1", "7", "512"):
		shards = [tuple(s["shards"][total]) for s in seen]
		sizes = [b - a for a, b in shards]
		assert shards[0][0] == 0 and shards[-1][1] == int(total)
		assert all(shards[k][1] == shards[k + 1][0] for k in range(ranks - 1))
		assert max(sizes) - min(sizes) <= 1


def test_config_device_choice(monkeypatch):
	from framework import Config
	monkeypatch.setattr(Config, "_device", None)
	monkeypatch.setattr(Config, "_deviceClaimed", False)
	with pytest.raises(ValueError, match="Config.setDevice: expected a non-negative int"):
		Config.setDevice(-1)
	Config.setDevice(1)
	assert Config.claimDevice() == 1  # what the CUDA backend makes its context on
	Config.setDevice(1)
	with pytest.raises(RuntimeError, match="Config.setDevice: the CUDA context already runs on device 1, cannot move to 0"):
		Config.setDevice(0)
