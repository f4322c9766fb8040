"""Data-parallel training equals single-process training; resume, mismatches and faults under mpiexec -n 2 and -n 3.

The workers (tests/Distributed/workers/) run the distributed side; the single-process references are computed
here, in the pytest process, with the same builders and no nodeinfo.
"""
import os
import time

import h5py
import numpy as np
import pytest

from tests.Distributed.mpirun import RANKS, readJson, runMpi, runMpiOk
from tests.Distributed.workers.common import distributedCases, runKey, trainCase

TOLERANCE = {np.float32: 1e-5, np.float64: 1e-10}


REFERENCES = {}


def singleProcess(case, dtype, globalState, batchsize):
	"""The single-process run of a case, computed once per batch size (the 2- and 3-rank runs share it)."""
	key = (case.id, np.dtype(dtype).name, globalState, batchsize)
	if key not in REFERENCES:
		REFERENCES[key] = trainCase(case, dtype, globalState, batchsize=batchsize)
	return REFERENCES[key]


@pytest.fixture(scope="module", params=[(2, 10), (3, 10), (3, 4)], ids=["2ranks", "3ranks", "3ranks-batch4"])
def distributed(request, tmp_path_factory):
	ranks, batchsize = request.param
	out = tmp_path_factory.mktemp("equivalence") / "params.npz"
	runMpiOk(ranks, "equivalence.py", out, batchsize, timeout=300)
	with np.load(out) as f:
		return batchsize, dict(f)


@pytest.mark.parametrize("globalState", [False, True], ids=["local", "global"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", distributedCases(), ids=lambda case: case.id)
def test_equals_single_process(distributed, case, dtype, globalState):
	batchsize, results = distributed
	params, losses = singleProcess(case, dtype, globalState, batchsize)
	key = runKey(case, dtype, globalState)
	rtol = TOLERANCE[dtype]

	np.testing.assert_allclose(results[key + "|losses"], losses, rtol=rtol, err_msg="epoch losses")
	for name, value in params.items():
		# atol: parameters that pass through zero are compared at the scale of the tensor
		np.testing.assert_allclose(results["%s|%s" % (key, name)], value, rtol=rtol, atol=rtol * np.abs(value).max(), err_msg=name)


@pytest.mark.parametrize("mode", ["local", "global"])
@pytest.mark.parametrize("ranks", RANKS)
def test_resume_equals_an_uninterrupted_run(ranks, mode, tmp_path):
	whole, split = tmp_path / "whole", tmp_path / "split"
	whole.mkdir()
	split.mkdir()
	runMpiOk(ranks, "resume.py", whole, "fresh 3", mode)
	runMpiOk(ranks, "resume.py", split, "fresh 1", mode)
	runMpiOk(ranks, "resume.py", split, "resume 3", mode)

	with np.load(whole / "final.npz") as a, np.load(split / "final.npz") as b:
		assert sorted(a) == sorted(b)
		assert any(name.startswith("attr:") for name in a)  # BatchNorm statistics are compared too
		for name in a:
			np.testing.assert_array_equal(a[name], b[name], err_msg=name)


@pytest.mark.parametrize("ranks", RANKS)
def test_interrupt_keeps_the_last_checkpoint(ranks, tmp_path):
	result = runMpi(ranks, "resume.py", tmp_path, "fresh 3", "global", "interrupt", timeout=60)
	assert result.returncode != 0
	with h5py.File(tmp_path / "checkpoint.h5", "r") as f:
		assert int(f.attrs["epoch"]) == 1  # the complete checkpoint of epoch 1, not a half-written epoch 2
	assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


@pytest.mark.parametrize("mode", ["local", "global"])
@pytest.mark.parametrize("ranks", RANKS)
def test_rank_mismatch_is_a_clear_error_on_every_rank(ranks, mode, tmp_path):
	runMpiOk(ranks, "mismatch.py", tmp_path, mode, timeout=60)
	for rank in range(ranks):
		message = (tmp_path / ("rank%d.txt" % rank)).read_text()
		assert message.startswith("Adam.setupOn: the variables differ between the ranks"), message
		assert "rank %d has" % (ranks - 1) in message


@pytest.mark.parametrize("ranks", RANKS)
def test_a_rank_raising_mid_epoch_ends_the_job(ranks):
	start = time.monotonic()
	result = runMpi(ranks, "raises.py", timeout=30)  # a hang raises TimeoutExpired and fails the test
	assert time.monotonic() - start < 30
	assert result.returncode != 0
	assert "RuntimeError: deliberate failure on rank %d in step 3" % (ranks - 1) in result.stderr
	assert "rank %d of %d: uncaught RuntimeError" % (ranks - 1, ranks) in result.stderr
	assert "finished" not in result.stdout


@pytest.mark.parametrize("ranks", RANKS)
def test_ranks_share_the_shuffle_not_the_dropout_masks(ranks, tmp_path):
	runMpiOk(ranks, "seeds.py", tmp_path / "seen.json", timeout=60)
	seen = readJson(tmp_path / "seen.json")
	assert all(s["shuffle"] == seen[0]["shuffle"] for s in seen)
	assert len({tuple(s["masks"]) for s in seen}) == ranks
	for s in seen:
		assert s["error"].startswith("Trainer.trainFromHost: the shuffles (seed every rank alike: Config.setSeed) differ between the ranks"), s["error"]


@pytest.mark.parametrize("ranks", RANKS)
def test_one_all_reduce_per_dtype_and_frozen_variables_left_alone(ranks, tmp_path):
	runMpiOk(ranks, "frozen.py", tmp_path / "seen.json", timeout=60)
	mean = (ranks + 1) / 2
	for rank, seen in enumerate(readJson(tmp_path / "seen.json")):
		assert seen["global"]["calls"] == 1  # the trainable run of the float64 buffer, in one piece
		assert seen["local"]["calls"] == 3  # one per trainable variable: Linear0.b, Linear2.W, Linear2.b
		for mode in ("local", "global"):
			grads = seen[mode]["grads"]
			assert grads.pop("Linear0.W") == rank + 1.0  # frozen: this rank's own gradient, not reduced
			assert grads and all(value == pytest.approx(mean) for value in grads.values()), grads


def test_optimizer_rejects_a_nodeinfo_of_the_wrong_type():
	from framework.Optimizers import Adam
	with pytest.raises(TypeError, match="Adam: nodeinfo must be a framework.Distributed.NodeInfo or None, got str"):
		Adam(nodeinfo="world")
