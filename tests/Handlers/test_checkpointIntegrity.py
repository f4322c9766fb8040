"""Checkpoint files under damage: bit flips, killed writers, crashes between write and rename, older files.

A load either restores exactly what was saved or raises a clear ValueError naming the file and changes nothing
(net, optimizer, schedule, epoch, history, random generators).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pytest

from framework import Config, Files
from framework.Backend import Rng
from framework.Containers import Sequential
from framework.Cost import CrossEntropy
from framework.Handlers import Trainer, loadCheckpoint, saveCheckpoint
from framework.Modules.Activation import Activation
from framework.Modules.Linear import Linear
from framework.Optimizers import Adam
from framework.Optimizers.Schedules import CosineAnnealing, LinearWarmup

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEGACY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "checkpoint-v1.h5")
FLIPS = 150


def makeRun(seed):
	Config.setSeed(seed)
	net = Sequential()
	net.extend([Linear(5, 7), Activation("relu"), Linear(7, 3)])
	optimizer = Adam(learnRate=1e-2).setupOn(net)
	schedule = LinearWarmup(3, after=CosineAnnealing(10, per="step"), per="step").setupOn(optimizer)
	return net, optimizer, schedule


def trainedCheckpoint(path):
	net, optimizer, schedule = makeRun(1)
	rng = np.random.default_rng(0)
	trainer = Trainer(net, CrossEntropy(), optimizer, batchsize=6, schedule=schedule, progress=False)
	trainer.trainFromHost(rng.standard_normal((20, 5)).astype(np.float32), rng.integers(0, 3, 20).astype(np.int32))
	saveCheckpoint(path, net, optimizer, schedule, epoch=1, history=trainer.history)
	return snapshot(net, optimizer, schedule, trainer.history)


def snapshot(net, optimizer, schedule, history):
	"""Everything a load may change, as plain values that compare with ==."""
	return {
		"weights": {names[0]: var.data.get().tobytes() for var, names in net.getVarTable().items()},
		"state": {(name, key): ary.get().tobytes() for name in optimizer.names for key, ary in optimizer.states[name].items()},
		"optimizer": (optimizer.t, json.dumps(optimizer.getHyperparameters()), json.dumps(optimizer.scalarState())),
		"schedule": (schedule.t, schedule.baseLR, schedule.after.baseLR),
		"history": json.dumps(history),
		"hostRng": json.dumps(Config.hostRng().bit_generator.state),
		"deviceRng": json.dumps(Rng.getState()),
	}


def test_singleBitFlipsNeverLoadWrongValuesOrHalfLoad(tmp_path):
	original = tmp_path / "original.h5"
	saved = trainedCheckpoint(original)
	content = original.read_bytes()
	rng = np.random.default_rng(17)

	outcomes = {"identical": 0, "refused": 0}
	for k in range(FLIPS):
		position = int(rng.integers(0, len(content) * 8))
		damaged = bytearray(content)
		damaged[position // 8] ^= 1 << (position % 8)
		path = tmp_path / ("flip%d.h5" % k)
		path.write_bytes(bytes(damaged))

		net, optimizer, schedule = makeRun(99)
		Config.hostRng().random()  # a host generator state that differs from the saved one
		history = [{"epoch": 0}]
		before = snapshot(net, optimizer, schedule, history)
		try:
			loadCheckpoint(path, net, optimizer, schedule, history)
		except ValueError as e:
			assert str(path) in str(e), "flip at bit %d: the error does not name the file: %s" % (position, e)
			assert snapshot(net, optimizer, schedule, history) == before, "flip at bit %d: half-loaded (%s)" % (position, e)
			outcomes["refused"] += 1
		else:
			assert snapshot(net, optimizer, schedule, history) == saved, "flip at bit %d: loaded different values" % position
			outcomes["identical"] += 1
		path.unlink()

	print("single-bit flips: %s" % outcomes)
	assert sum(outcomes.values()) == FLIPS and outcomes["refused"] > 0


def damage(path, edit):
	with h5py.File(path, "r+") as f:
		edit(f)


@pytest.mark.parametrize("what, edit", [
	("net data", lambda f: f["net/vars"][sorted(f["net/vars"])[0]].__setitem__((0, 0), 123.0)),
	("optimizer state", lambda f: f["optimizer/state"][sorted(f["optimizer/state"])[0]]["m"].__setitem__(0, 5.0)),
	("hyperparameters", lambda f: f["optimizer"].attrs.__setitem__("hyperparameters", json.dumps({"learnRate": 0.5}))),
	("schedule counter", lambda f: f["schedule"].attrs.__setitem__("t", 7)),
	("epoch", lambda f: f.attrs.__setitem__("epoch", 9)),
	("host RNG", lambda f: f.attrs.__setitem__("hostRng", "{not json")),
], ids=["net", "optimizer-state", "hyperparameters", "schedule", "epoch", "hostRng"])
@pytest.mark.parametrize("restamp", [False, True], ids=["file-checksum", "object-checksum"])
def test_editedFilesFailTheirChecksum(tmp_path, what, edit, restamp):
	path = tmp_path / "c.h5"
	trainedCheckpoint(path)
	damage(path, edit)
	if restamp:
		Files.stampFile(path)  # an edit that fixes the whole-file checksum is still caught by the objects' own

	net, optimizer, schedule = makeRun(99)
	before = snapshot(net, optimizer, schedule, [])
	with pytest.raises(ValueError, match="corrupt") as info:
		loadCheckpoint(path, net, optimizer, schedule, [])
	assert str(path) in str(info.value)
	assert snapshot(net, optimizer, schedule, []) == before


def test_truncatedFileIsACorruptFileError(tmp_path):
	path = tmp_path / "c.h5"
	trainedCheckpoint(path)
	path.write_bytes(path.read_bytes()[:3000])

	net, optimizer, schedule = makeRun(99)
	with pytest.raises(ValueError, match="corrupt") as info:
		loadCheckpoint(path, net, optimizer, schedule)
	assert str(path) in str(info.value)


def test_checkpointOfThePreviousVersionStillLoads(tmp_path):
	# Written by version 1 (no checksums): it loads, with every other check still applied
	path = tmp_path / "old.h5"
	shutil.copy(LEGACY, path)
	with h5py.File(path, "r") as f:
		weights = {name: f["net/vars"][name][()] for name in f["net/vars"]}
		state = {(name, key): f["optimizer/state"][name][key][()] for name in f["optimizer/state"] for key in f["optimizer/state"][name]}
		t = int(f["schedule"].attrs["t"])

	net, optimizer, schedule = makeRun(99)
	assert loadCheckpoint(path, net, optimizer, schedule) == 1
	assert all(np.array_equal(weights[names[0]], var.data.get()) for var, names in net.getVarTable().items())
	assert all(np.array_equal(value, optimizer.states[name][key].get()) for (name, key), value in state.items())
	assert schedule.t == t and optimizer.t == t


# --- temporaries and durability -------------------------------------------------------------------------------

def deadPid():
	child = subprocess.Popen([sys.executable, "-c", "pass"])
	child.wait()
	return child.pid


def test_staleTemporaryOfADeadWriterIsRemovedOnTheNextSave(tmp_path):
	host = Files.hostTag()
	dead = tmp_path / (".c.h5.%d@%s.abc123_x.tmp" % (deadPid(), host))
	alive = tmp_path / (".c.h5.%d@%s.abc123_y.tmp" % (os.getppid(), host))  # a writer still running
	otherHost = tmp_path / (".c.h5.%d@%s.abc123_z.tmp" % (deadPid(), host + "-elsewhere"))
	foreign = tmp_path / ".c.h5.notours.tmp"
	for path in (dead, alive, otherHost, foreign):
		path.write_bytes(b"partial")

	net, optimizer, schedule = makeRun(1)
	saveCheckpoint(tmp_path / "c.h5", net, optimizer, schedule, epoch=1)
	assert sorted(os.listdir(tmp_path)) == sorted(["c.h5", alive.name, otherHost.name, foreign.name])


SLOW_SAVE = textwrap.dedent("""
	import sys
	from framework.Modules.Linear import Linear
	from framework.Modules.Module import Module

	net = Linear(300, 300)
	writeVars = Module.saveTo

	def saveThenHang(self, group):
		writeVars(self, group)
		group.file.flush()
		print("writing", flush=True)
		sys.stdin.read()  # blocks until the test kills this process

	Module.saveTo = saveThenHang
	net.save(sys.argv[1])
""")


def test_saveKilledMidWriteLeavesNothingAfterTheNextSave(tmp_path):
	path = tmp_path / "net.h5"
	env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT] + os.environ.get("PYTHONPATH", "").split(os.pathsep)))
	writer = subprocess.Popen([sys.executable, "-c", SLOW_SAVE, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
	assert writer.stdout.readline() == b"writing\n"
	writer.send_signal(signal.SIGKILL)
	writer.wait()
	writer.stdin.close()
	writer.stdout.close()

	leftovers = os.listdir(tmp_path)
	assert len(leftovers) == 1 and leftovers[0].startswith(".net.h5.%d@" % writer.pid)

	Linear(300, 300).save(path)
	assert os.listdir(tmp_path) == ["net.h5"]


def test_fileIsSyncedBeforeTheRenameAndTheDirectoryAfter(tmp_path, monkeypatch):
	events = []
	realFsync, realReplace = os.fsync, os.replace

	def fsync(fd):
		events.append(("fsync-dir" if os.path.isdir("/proc/self/fd/%d" % fd) else "fsync-file"))
		realFsync(fd)

	def replace(src, dst):
		events.append("rename")
		realReplace(src, dst)

	monkeypatch.setattr(os, "fsync", fsync)
	monkeypatch.setattr(os, "replace", replace)
	Linear(3, 4).save(tmp_path / "net.h5")
	assert events == ["fsync-file", "rename", "fsync-dir"]


def test_temporaryNameRecordsTheWriter(tmp_path):
	names = []
	with Files.atomicWrite(tmp_path / "x.h5") as f:
		names = os.listdir(tmp_path)
		f.attrs["a"] = 1
	assert len(names) == 1 and names[0].startswith(".x.h5.%d@%s." % (os.getpid(), Files.hostTag()))
