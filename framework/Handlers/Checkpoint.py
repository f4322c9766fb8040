"""One HDF5 file holding everything a run needs to continue: net, optimizer, schedule, epoch, history, RNG state.

Layout: /net (Module.saveTo), /optimizer (Optimizer.saveTo), /schedule (Schedule.saveTo,
when given), attributes epoch, hostRng (the JSON state of Config.hostRng(), which
shuffles the batches), deviceRng (the state of the device generator behind Dropout
masks; null on CUDA, which cannot export it), history (JSON list of per-epoch dicts)
and meta (JSON, what the caller records about the run: the CLI stores the net's
architecture and its options there).
Written through Files.atomicWrite, so a crash keeps the previous checkpoint, and sealed
with checksums (Files.seal), so a damaged file is refused. Loading reads and checks every
part before it changes any (prepareLoad), so a bad file changes nothing. Restoring both
generators is what makes a resumed CPU run continue bit for bit.

Data-parallel (the optimizer has a nodeinfo of several ranks): every rank calls both functions. saveCheckpoint
averages the net's float attributes (BatchNorm statistics) over the ranks, gathers each rank's device generator
state (attribute deviceRngPerRank, so that dropout resumes per rank), lets rank 0 alone write, and returns on
every rank once the file is in place. loadCheckpoint reads the file on every rank (a directory they share).
"""
import json

import numpy as np

from framework import Config, Files
from framework.Backend import Rng
from framework.Modules.Module import Module
from framework.Optimizers.Optimizer import Optimizer
from framework.Optimizers.Schedules.Schedule import Schedule

FORMAT = "framework.Checkpoint"
WHO = "loadCheckpoint"


def saveCheckpoint(path, net, optimizer, schedule=None, epoch=0, history=None, meta=None):
	"""Writes net, optimizer, schedule, epoch, history (a list of dicts), meta (a JSON-able dict) and the RNG states to `path` atomically."""
	if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
		raise ValueError("saveCheckpoint: epoch must be a non-negative int, got %r" % (epoch, ))
	if meta is not None:
		try:
			if not isinstance(meta, dict):
				raise TypeError
			metaText = json.dumps(meta, sort_keys=True)
		except (TypeError, ValueError):
			raise TypeError("saveCheckpoint: meta must be a JSON-serializable dict, got %r" % (meta, )) from None

	node = distributedNode(optimizer)
	if node is not None:
		node.averageAttributes(net)
		deviceStates = node.allGather(Rng.getState())
		if not node.isRoot:
			node.barrier()  # returns once rank 0 has renamed the complete file into place
			return

	with Files.atomicWrite(path) as f:
		f.attrs["format"] = FORMAT
		f.attrs["epoch"] = epoch
		f.attrs["hostRng"] = json.dumps(Config.hostRng().bit_generator.state)
		f.attrs["deviceRng"] = json.dumps(Rng.getState())
		f.attrs["history"] = json.dumps(history if history is not None else [])
		if meta is not None:
			f.attrs["meta"] = metaText

		net.saveTo(f.create_group("net"))
		optimizer.saveTo(f.create_group("optimizer"))
		if schedule is not None:
			schedule.saveTo(f.create_group("schedule"))
		if node is not None:
			f.attrs["deviceRngPerRank"] = json.dumps(deviceStates)
		Files.seal(f)
	if node is not None:
		node.barrier()


def distributedNode(optimizer):
	node = getattr(optimizer, "nodeinfo", None)
	return node if node is not None and node.size > 1 else None


def loadCheckpoint(path, net, optimizer=None, schedule=None, history=None):
	"""Restores what saveCheckpoint wrote into net, optimizer, schedule and the RNGs; returns the epoch.

	With the net alone (inference) only the net is restored. With an optimizer the whole
	run is: optimizer, schedule, random generators, and `history` (a list, replaced in
	place). A schedule passed here must have been saved, and one saved must be passed.
	Every part is read and checked before any is changed: a mismatch or a damaged file is
	a ValueError naming the file, and then nothing has changed.
	"""
	path = str(path)
	# Checked here: inside the file's block an AttributeError would read as a damaged file
	for name, obj, cls, expected in (
		("net", net, Module, "a Module"), ("optimizer", optimizer, Optimizer, "an Optimizer or None"),
		("schedule", schedule, Schedule, "a Schedule or None")
	):
		if not isinstance(obj, cls) and not (obj is None and name != "net"):
			raise TypeError("%s: %s must be %s, got %s" % (WHO, name, expected, type(obj).__name__))
	if schedule is not None and optimizer is None:
		raise ValueError("%s: a schedule needs the optimizer it drives; pass both or neither" % WHO)

	with Files.openForRead(path, WHO) as f:
		checkFormat(f, path, WHO)
		Files.checkSeal(f, WHO, path)
		epoch = readEpoch(f, path)
		applies = [net.prepareLoad(f["net"], path)]

		if optimizer is not None:
			if (schedule is not None) != ("schedule" in f):
				raise ValueError("%s: %r %s but %s given" % (
					WHO, path, "holds a schedule" if "schedule" in f else "holds no schedule", "one was" if schedule is not None else "none was"
				))
			# The class checks first: they explain the likeliest mistake better than a list of missing entries
			for key, obj in (("optimizer", optimizer), ("schedule", schedule)):
				saved = f[key].attrs.get("class") if key in f else None
				if obj is not None and saved != type(obj).__name__:
					raise ValueError("%s: %r holds the %s state of %s, not %s" % (WHO, path, key, saved, type(obj).__name__))

			applies.append(optimizer.prepareLoad(f["optimizer"], path))
			if schedule is not None:
				applies.append(schedule.prepareLoad(f["schedule"], path))
			applies.append(prepareGenerators(f, path, distributedNode(optimizer)))

		if history is not None:
			savedHistory = Files.readJson(f, "history", WHO, path)
			if not isinstance(savedHistory, list):
				raise ValueError("%s: %r holds a history that is not a list" % (WHO, path))
			applies.append(lambda: history.__setitem__(slice(None), savedHistory))

	# Everything was read and checked: nothing below can fail on the file's account
	for apply in applies:
		apply()
	return epoch


def checkFormat(f, path, who):
	if f.attrs.get("format") != FORMAT:
		raise ValueError("%s: %r is not a checkpoint (format %r)" % (who, path, f.attrs.get("format")))


def readEpoch(f, path):
	epoch = f.attrs["epoch"]
	if not isinstance(epoch, (int, np.integer)) or epoch < 0:
		raise ValueError("%s: %r holds an epoch %r, expected a non-negative integer" % (WHO, path, epoch))
	return int(epoch)


def prepareGenerators(f, path, node=None):
	"""Checks the saved generator states on scratch generators; returns the function that restores them.

	Data-parallel, each rank takes its own device generator state (its dropout masks differ from the others')."""
	host = Config.hostRng()
	hostState = Files.readJson(f, "hostRng", WHO, path)
	checkGeneratorState(hostState, type(host.bit_generator).__name__, "hostRng", path)

	deviceState = Files.readJson(f, "deviceRng", WHO, path) if "deviceRng" in f.attrs else None
	if node is not None and "deviceRngPerRank" in f.attrs:
		perRank = Files.readJson(f, "deviceRngPerRank", WHO, path)
		if not isinstance(perRank, list):
			raise ValueError("%s: %r holds a deviceRngPerRank that is not a list" % (WHO, path))
		# resumed on another number of ranks: every rank falls back to rank 0's state
		deviceState = perRank[node.rank] if len(perRank) == node.size else deviceState
	current = Rng.getState()
	if deviceState is not None and current is not None:
		checkGeneratorState(deviceState, current.get("bit_generator"), "deviceRng", path)

	def apply():
		# The same Generator object stays in place, so references to Config.hostRng() held elsewhere see the restored state
		host.bit_generator.state = hostState
		Rng.setState(deviceState)
	return apply


def checkGeneratorState(state, kind, what, path):
	if not isinstance(state, dict) or state.get("bit_generator") != kind:
		raise ValueError("%s: %r holds a %s state that is not a %s state" % (WHO, path, what, kind))
	try:
		getattr(np.random, kind)().state = state
	except (TypeError, ValueError, KeyError) as e:
		raise ValueError("%s: %r holds a malformed %s state (%s)" % (WHO, path, what, e)) from None


def readCheckpointInfo(path):
	"""{"epoch", "history", "meta"} of a checkpoint, without a net to load it into (meta is None when none was saved)."""
	who, path = "readCheckpointInfo", str(path)
	with Files.openForRead(path, who) as f:
		checkFormat(f, path, who)
		Files.checkSeal(f, who, path)
		meta = Files.readJson(f, "meta", who, path) if "meta" in f.attrs else None
		return {"epoch": readEpoch(f, path), "history": Files.readJson(f, "history", who, path), "meta": meta}
