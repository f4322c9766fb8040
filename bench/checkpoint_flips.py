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
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from framework import Config  # noqa: E402
from framework.Handlers import loadCheckpoint  # noqa: E402
# The run, its checkpoint and the snapshot of everything a load may change are the integrity test's own
from tests.Handlers.test_checkpointIntegrity import makeRun, snapshot, trainedCheckpoint  # noqa: E402


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--flips", type=int, default=150)
	parser.add_argument("--seed", type=int, default=17)
	args = parser.parse_args()

	directory = tempfile.mkdtemp()
	original = os.path.join(directory, "original.h5")
	saved = trainedCheckpoint(original)
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
