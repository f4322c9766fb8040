"""Single-bit flips in a checkpoint: how many loads restore the saved values, refuse cleanly, or go wrong.

Saves a trained MLP with Adam and a warm-up schedule, then for each of --flips seeded random bits loads a copy
with that bit flipped into a fresh net, optimizer and schedule, and sorts the outcome:
  identical  the load succeeded and restored exactly what was saved
  refused    a ValueError naming the file, and nothing was changed
  silent     the load succeeded with values that differ from the saved ones
  half       the load raised after changing the net, optimizer, schedule, history or a generator
  raw        another exception (KeyError, OSError, ...) or a message without the file name

    python bench/checkpoint_flips.py [--flips 150] [--seed 17]
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from framework import Config  # noqa: E402
from framework.Backend import Rng  # noqa: E402
from framework.Containers import Sequential  # noqa: E402
from framework.Cost import CrossEntropy  # noqa: E402
from framework.Handlers import Trainer, loadCheckpoint, saveCheckpoint  # noqa: E402
from framework.Modules.Activation import Activation  # noqa: E402
from framework.Modules.Linear import Linear  # noqa: E402
from framework.Optimizers import Adam  # noqa: E402
from framework.Optimizers.Schedules import CosineAnnealing, LinearWarmup  # noqa: E402


def makeRun(seed):
	Config.setSeed(seed)
	net = Sequential()
	net.extend([Linear(5, 7), Activation("relu"), Linear(7, 3)])
	optimizer = Adam(learnRate=1e-2).setupOn(net)
	schedule = LinearWarmup(3, after=CosineAnnealing(10, per="step"), per="step").setupOn(optimizer)
	return net, optimizer, schedule


def snapshot(net, optimizer, schedule, history):
	return {
		"weights": {names[0]: var.data.get().tobytes() for var, names in net.getVarTable().items()},
		"state": {(n, k): a.get().tobytes() for n in optimizer.names for k, a in optimizer.states[n].items()},
		"optimizer": (optimizer.t, json.dumps(optimizer.getHyperparameters()), json.dumps(optimizer.scalarState())),
		"schedule": (schedule.t, schedule.baseLR, schedule.after.baseLR),
		"history": json.dumps(history),
		"hostRng": json.dumps(Config.hostRng().bit_generator.state),
		"deviceRng": json.dumps(Rng.getState()),
	}


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--flips", type=int, default=150)
	parser.add_argument("--seed", type=int, default=17)
	args = parser.parse_args()

	directory = tempfile.mkdtemp()
	original = os.path.join(directory, "original.h5")
	net, optimizer, schedule = makeRun(1)
	rng = np.random.default_rng(0)
	trainer = Trainer(net, CrossEntropy(), optimizer, batchsize=6, schedule=schedule, progress=False)
	trainer.trainFromHost(rng.standard_normal((20, 5)).astype(np.float32), rng.integers(0, 3, 20).astype(np.int32))
	saveCheckpoint(original, net, optimizer, schedule, epoch=1, history=trainer.history)
	saved = snapshot(net, optimizer, schedule, trainer.history)
	content = open(original, "rb").read()

	rng = np.random.default_rng(args.seed)
	counts = dict.fromkeys(("identical", "refused", "silent", "half", "raw"), 0)
	for k in range(args.flips):
		position = int(rng.integers(0, len(content) * 8))
		damaged = bytearray(content)
		damaged[position // 8] ^= 1 << (position % 8)
		path = os.path.join(directory, "flip.h5")
		with open(path, "wb") as f:
			f.write(damaged)

		net, optimizer, schedule = makeRun(99)
		Config.hostRng().random()
		history = [{"epoch": 0}]
		before = snapshot(net, optimizer, schedule, history)
		try:
			loadCheckpoint(path, net, optimizer, schedule, history)
		except Exception as e:  # sorting every outcome is the point here
			if snapshot(net, optimizer, schedule, history) != before:
				counts["half"] += 1
			elif isinstance(e, ValueError) and path in str(e):
				counts["refused"] += 1
			else:
				counts["raw"] += 1
		else:
			counts["identical" if snapshot(net, optimizer, schedule, history) == saved else "silent"] += 1

	print("%d single-bit flips over a %d-byte checkpoint (seed %d): %s" % (args.flips, len(content), args.seed, counts))


if __name__ == "__main__":
	main()
