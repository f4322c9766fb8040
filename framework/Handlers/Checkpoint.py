"""One HDF5 file holding everything a run needs to continue: net, optimizer, schedule, epoch, history, RNG state.

Layout: /net (Module.saveTo), /optimizer (Optimizer.saveTo), /schedule (Schedule.saveTo,
when given), attributes epoch, hostRng (the JSON state of Config.hostRng(), which
shuffles the batches), deviceRng (the state of the device generator behind Dropout
masks; null on CUDA, which cannot export it) and history (JSON list of per-epoch dicts).
Written through Files.atomicWrite, so a crash keeps the previous checkpoint. Restoring
both generators is what makes a resumed CPU run continue bit for bit.

Data-parallel (the optimizer has a nodeinfo of several ranks): every rank calls both functions. saveCheckpoint
averages the net's float attributes (BatchNorm statistics) over the ranks, gathers each rank's device generator
state (attribute deviceRngPerRank, so that dropout resumes per rank), lets rank 0 alone write, and returns on
every rank once the file is in place. loadCheckpoint reads the file on every rank (a directory they share).
"""
import json

from framework import Config, Files
from framework.Backend import Rng

FORMAT = "framework.Checkpoint"


def saveCheckpoint(path, net, optimizer, schedule=None, epoch=0, history=None):
	"""Writes net, optimizer, schedule, epoch, history (a list of dicts) and the host RNG state to `path` atomically."""
	if not isinstance(epoch, int) or epoch < 0:
		raise ValueError("saveCheckpoint: epoch must be a non-negative int, got %r" % (epoch, ))

	node = distributedNode(optimizer)
	if node is not None:
		node.averageAttributes(net)
		deviceStates = node.allGather(Rng.getState())
		if not node.isRoot:
			node.barrier()  # returns once rank 0 has renamed the complete file into place
			return

	with Files.atomicWrite(path) as f:
		f.attrs["format"] = FORMAT
		f.attrs["version"] = 1
		f.attrs["epoch"] = epoch
		f.attrs["hostRng"] = json.dumps(Config.hostRng().bit_generator.state)
		f.attrs["deviceRng"] = json.dumps(Rng.getState())
		f.attrs["history"] = json.dumps(history if history is not None else [])

		net.saveTo(f.create_group("net"))
		optimizer.saveTo(f.create_group("optimizer"))
		if schedule is not None:
			schedule.saveTo(f.create_group("schedule"))
		if node is not None:
			f.attrs["deviceRngPerRank"] = json.dumps(deviceStates)
	if node is not None:
		node.barrier()


def distributedNode(optimizer):
	node = getattr(optimizer, "nodeinfo", None)
	return node if node is not None and node.size > 1 else None


def loadCheckpoint(path, net, optimizer, schedule=None, history=None):
	"""Restores what saveCheckpoint wrote into net, optimizer, schedule and the host RNG; returns the epoch.

	When `history` is a list it is replaced in place by the saved history. A schedule
	passed here must have been saved, and one saved must be passed.
	"""
	with Files.openForRead(path, "loadCheckpoint") as f:
		if f.attrs.get("format") != FORMAT:
			raise ValueError("loadCheckpoint: %r is not a checkpoint (format %r)" % (str(path), f.attrs.get("format")))
		if (schedule is not None) != ("schedule" in f):
			raise ValueError("loadCheckpoint: %r %s a schedule but %s given" % (
				str(path), "holds" if "schedule" in f else "holds no", "one was" if schedule is not None else "none was"
			))

		# Catch the likely mismatches before anything is overwritten
		for key, obj in (("optimizer", optimizer), ("schedule", schedule)):
			saved = f[key].attrs.get("class") if key in f else None
			if obj is not None and saved != type(obj).__name__:
				raise ValueError("loadCheckpoint: %r holds the %s state of %s, not %s" % (str(path), key, saved, type(obj).__name__))

		net.loadFrom(f["net"], source=str(path))
		optimizer.loadFrom(f["optimizer"])
		if schedule is not None:
			schedule.loadFrom(f["schedule"], source=str(path))

		# The same Generator object stays in place, so references to Config.hostRng() held elsewhere see the restored state
		Config.hostRng().bit_generator.state = json.loads(f.attrs["hostRng"])
		deviceState = json.loads(f.attrs["deviceRng"]) if "deviceRng" in f.attrs else None
		node = distributedNode(optimizer)
		if node is not None and "deviceRngPerRank" in f.attrs:
			perRank = json.loads(f.attrs["deviceRngPerRank"])
			deviceState = perRank[node.rank] if len(perRank) == node.size else deviceState
		Rng.setState(deviceState)
		if history is not None:
			history[:] = json.loads(f.attrs["history"])
		return int(f.attrs["epoch"])


def readCheckpointInfo(path):
	"""{"epoch", "history"} of a checkpoint, without a net to load it into."""
	with Files.openForRead(path, "readCheckpointInfo") as f:
		if f.attrs.get("format") != FORMAT:
			raise ValueError("readCheckpointInfo: %r is not a checkpoint (format %r)" % (str(path), f.attrs.get("format")))
		return {"epoch": int(f.attrs["epoch"]), "history": json.loads(f.attrs["history"])}
