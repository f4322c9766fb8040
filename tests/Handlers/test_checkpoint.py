"""saveCheckpoint / loadCheckpoint: one HDF5 file, atomic, and a resumed CPU run continues bit for bit."""
import os

import h5py
import numpy as np
import pytest

from framework import Config
from framework.Containers import Sequential
from framework.Cost import CrossEntropy
from framework.Handlers import Trainer, loadCheckpoint, readCheckpointInfo, saveCheckpoint
from framework.Modules.Activation import Activation
from framework.Modules.Dropout import Dropout
from framework.Modules.Linear import Linear
from framework.Optimizers import Adam, RMSProp, Rprop
from framework.Optimizers.Schedules import CosineAnnealing, LinearWarmup


def makeRun(seed, optimizerClass, globalState, dropout=False):
	Config.setSeed(seed)
	net = Sequential()
	net.extend([Linear(5, 7), Activation("relu")] + [Dropout(0.3)] * dropout + [Linear(7, 3)])
	optimizer = optimizerClass(learnRate=1e-2).setupOn(net, useGlobalState=globalState)
	schedule = LinearWarmup(3, after=CosineAnnealing(10, per="step"), per="step").setupOn(optimizer)
	return net, optimizer, schedule, Trainer(net, CrossEntropy(), optimizer, batchsize=6, schedule=schedule, progress=False)


def snapshot(net, optimizer):
	weights = {names[0]: var.data.get() for var, names in net.getVarTable().items()}
	state = {(name, key): ary.get() for name in optimizer.names for key, ary in optimizer.states[name].items()}
	return weights, state, optimizer.learnRate, optimizer.t


@pytest.mark.parametrize("optimizerClass, globalState, dropout", [
	(RMSProp, True, False), (Adam, False, False), (Rprop, True, False), (RMSProp, True, True)
], ids=["RMSProp-global", "Adam-local", "Rprop-global", "RMSProp-dropout"])
def test_resumeIsBitExact(tmp_path, rng, optimizerClass, globalState, dropout):
	if dropout and Config.getBackend() != "cpu":
		pytest.skip("the CUDA generator state cannot be exported; bit-exact resume with Dropout is a CPU promise")
	data = rng.standard_normal((20, 5)).astype(np.float32)
	target = rng.integers(0, 3, 20).astype(np.int32)
	path = tmp_path / "run.h5"

	net, optimizer, schedule, trainer = makeRun(11, optimizerClass, globalState, dropout)
	trainer.trainFromHost(data, target)
	saveCheckpoint(path, net, optimizer, schedule, epoch=1, history=trainer.history)
	trainer.trainFromHost(data, target, epochs=2)
	straight = snapshot(net, optimizer)

	# A fresh process-like start: other seed, other weights, then the checkpoint
	net, optimizer, schedule, trainer = makeRun(99, optimizerClass, globalState, dropout)
	history = []
	epoch = loadCheckpoint(path, net, optimizer, schedule, history)
	assert epoch == 1 and len(history) == 1 and history[0]["epoch"] == 1
	trainer.trainFromHost(data, target, epochs=2)
	resumed = snapshot(net, optimizer)

	for name in straight[0]:
		assert np.array_equal(straight[0][name], resumed[0][name]), name
	for key in straight[1]:
		assert np.array_equal(straight[1][key], resumed[1][key]), key
	assert straight[2:] == resumed[2:]


def test_oneFileWithEverything(tmp_path):
	net, optimizer, schedule, _ = makeRun(1, Adam, False)
	saveCheckpoint(tmp_path / "c.h5", net, optimizer, schedule, epoch=4, history=[{"epoch": 4, "loss": 0.5}])

	with h5py.File(tmp_path / "c.h5", "r") as f:
		assert {"net", "optimizer", "schedule"} <= set(f) and f.attrs["epoch"] == 4
	assert readCheckpointInfo(tmp_path / "c.h5") == {"epoch": 4, "history": [{"epoch": 4, "loss": 0.5}], "meta": None}
	assert os.listdir(tmp_path) == ["c.h5"]


def test_failedSaveKeepsThePreviousCheckpoint(tmp_path, monkeypatch):
	net, optimizer, schedule, _ = makeRun(1, Adam, False)
	path = tmp_path / "c.h5"
	saveCheckpoint(path, net, optimizer, schedule, epoch=1)
	before = path.read_bytes()

	def crash(group):
		raise RuntimeError("disk full")
	monkeypatch.setattr(optimizer, "saveTo", crash)
	with pytest.raises(RuntimeError, match="disk full"):
		saveCheckpoint(path, net, optimizer, schedule, epoch=2)

	assert path.read_bytes() == before and os.listdir(tmp_path) == ["c.h5"]
	assert readCheckpointInfo(path)["epoch"] == 1


def test_mismatchesAreClearErrors(tmp_path):
	net, optimizer, schedule, _ = makeRun(1, Adam, False)
	path = tmp_path / "c.h5"
	saveCheckpoint(path, net, optimizer, schedule, epoch=1)

	with pytest.raises(ValueError, match="holds a schedule but none was given"):
		loadCheckpoint(path, net, optimizer)

	other = Sequential()
	other.extend([Linear(5, 4), Activation("relu"), Linear(4, 3)])
	with pytest.raises(ValueError, match="does not match the module"):
		loadCheckpoint(path, other, Adam(1e-2).setupOn(other), LinearWarmup(3, after=CosineAnnealing(10, per="step")))

	before = [var.data.get() for var in net.getVarTable()]
	with pytest.raises(ValueError, match="holds the optimizer state of Adam, not RMSProp"):
		loadCheckpoint(path, net, RMSProp(1e-2).setupOn(net), LinearWarmup(3, after=CosineAnnealing(10, per="step")))
	with pytest.raises(ValueError, match="holds the schedule state of LinearWarmup, not CosineAnnealing"):
		loadCheckpoint(path, net, optimizer, CosineAnnealing(10))
	assert all(np.array_equal(a, var.data.get()) for a, var in zip(before, net.getVarTable()))

	net.save(tmp_path / "net.h5")
	with pytest.raises(ValueError, match="is not a checkpoint"):
		loadCheckpoint(tmp_path / "net.h5", net, optimizer)
	with pytest.raises(FileNotFoundError, match="missing.h5"):
		loadCheckpoint(tmp_path / "missing.h5", net, optimizer)
	with pytest.raises(ValueError, match="epoch must be a non-negative int"):
		saveCheckpoint(path, net, optimizer, epoch=-1)


def sameSnapshot(a, b):
	return (a[0].keys() == b[0].keys() and all(np.array_equal(a[0][k], b[0][k]) for k in a[0])
		and a[1].keys() == b[1].keys() and all(np.array_equal(a[1][k], b[1][k]) for k in a[1]) and a[2:] == b[2:])


def test_mismatchedScheduleChangesNothing(tmp_path):
	net, optimizer, schedule, _ = makeRun(1, Adam, False)
	path = tmp_path / "c.h5"
	saveCheckpoint(path, net, optimizer, schedule, epoch=1)

	net, optimizer, _, _ = makeRun(2, Adam, False)
	other = LinearWarmup(4, after=CosineAnnealing(10, per="step"), per="step").setupOn(optimizer)
	before, t = snapshot(net, optimizer), optimizer.t
	with pytest.raises(ValueError, match="was saved with") as info:
		loadCheckpoint(path, net, optimizer, other)
	assert str(path) in str(info.value)
	assert sameSnapshot(before, snapshot(net, optimizer)) and other.t == 0 and optimizer.t == t


def test_mismatchedOptimizerChangesNothing(tmp_path):
	net, optimizer, schedule, _ = makeRun(1, Adam, False)
	path = tmp_path / "c.h5"
	saveCheckpoint(path, net, optimizer, schedule, epoch=1)

	net, _, _, _ = makeRun(2, Adam, False)
	elsewhere = Sequential()
	elsewhere.extend([Linear(5, 3)])
	optimizer = Adam(1e-2).setupOn(elsewhere)
	schedule = LinearWarmup(3, after=CosineAnnealing(10, per="step"), per="step").setupOn(optimizer)
	before = snapshot(net, optimizer)
	with pytest.raises(ValueError, match="does not match the optimizer") as info:
		loadCheckpoint(path, net, optimizer, schedule)
	assert str(path) in str(info.value)
	assert sameSnapshot(before, snapshot(net, optimizer))


def test_netAloneLoadsFromACheckpoint(tmp_path):
	net, optimizer, schedule, _ = makeRun(1, Adam, False)
	path = tmp_path / "c.h5"
	saveCheckpoint(path, net, optimizer, schedule, epoch=3)

	fresh = makeRun(2, Adam, False)[0]
	assert loadCheckpoint(path, fresh) == 3
	assert all(np.array_equal(a.data.get(), b.data.get()) for a, b in zip(net.getVarTable(), fresh.getVarTable()))
	saveCheckpoint(path, net, optimizer, epoch=3)
	with pytest.raises(ValueError, match="holds no schedule but one was given"):
		loadCheckpoint(path, fresh, optimizer, schedule)
	with pytest.raises(ValueError, match="schedule needs the optimizer"):
		loadCheckpoint(path, fresh, None, schedule)


def test_checkpointRecordsWhatTheCallerDescribes(tmp_path):
	net, optimizer, schedule, _ = makeRun(1, Adam, False)
	meta = {"architecture": {"kind": "mlp", "inshape": [5], "classes": 3, "hidden": [7]}}
	saveCheckpoint(tmp_path / "c.h5", net, optimizer, schedule, epoch=1, meta=meta)
	assert readCheckpointInfo(tmp_path / "c.h5")["meta"] == meta
	with pytest.raises(TypeError, match="meta must be a JSON-serializable dict"):
		saveCheckpoint(tmp_path / "c.h5", net, optimizer, schedule, epoch=1, meta={"f": object()})


def test_loadMessagesNameTheFile(tmp_path):
	net, optimizer, schedule, _ = makeRun(1, Adam, False)
	path = tmp_path / "c.h5"
	saveCheckpoint(path, net, optimizer, schedule, epoch=1)
	other = Sequential()
	other.extend([Linear(5, 3)])
	with h5py.File(path, "r") as f:
		with pytest.raises(ValueError, match="does not match the module") as info:
			other.loadFrom(f["net"])
		assert str(path) in str(info.value) and "<group>" not in str(info.value)
		with pytest.raises(ValueError, match="was saved with") as info:
			LinearWarmup(4, per="step").setupOn(optimizer).loadFrom(f["schedule"])
		assert str(path) in str(info.value)


def test_argumentsOfTheWrongKindAreTypeErrors(tmp_path):
	net, optimizer, schedule, _ = makeRun(1, Adam, False)
	path = tmp_path / "c.h5"
	saveCheckpoint(path, net, optimizer, schedule, epoch=1)
	with pytest.raises(TypeError, match="loadCheckpoint: net must be a Module, got str"):
		loadCheckpoint(path, "net")
	with pytest.raises(TypeError, match="loadCheckpoint: optimizer must be an Optimizer or None, got Sequential"):
		loadCheckpoint(path, net, net)
