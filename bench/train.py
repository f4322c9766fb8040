"""Per-epoch training time of the main job's MLP: the framework against the same MLP in PyTorch, one run.

All sides train 64-128-64-10 ReLU on the digits training split (1438 images) with
RMSProp (lr 3e-3, alpha 0.99, eps 1e-8), batch 32, a fresh host permutation every
epoch, and read the loss and the batch error rate back every step, as
`python -m framework train` does. One side is that command's own loop (with its
cosine schedule, validation and checkpoint between epochs, timing only the training
as it prints); two drive Trainer directly (global and local optimizer state). Epochs
of all sides alternate so that a change of machine load hits them alike; the first
epoch of each is a warm-up (kernel compilation) and is not timed. Ratio = our median seconds per epoch / PyTorch's
(target <= 1.3); the ratio of the fastest epochs is printed beside it. Prints a table and writes JSON.

    python bench/train.py [--epochs 30] [--threads N] [--json bench/results/train.json]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time


def parseArgs():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--epochs", type=int, default=30, help="timed epochs per side (default: 30)")
	parser.add_argument("--batch-size", type=int, default=32)
	parser.add_argument("--threads", type=int, default=None, help="threads for both sides (default: each library's own)")
	parser.add_argument("--json", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "train.json"))
	return parser.parse_args()


ARGS = parseArgs() if __name__ == "__main__" else None
if ARGS is not None and ARGS.threads is not None:
	# Must be set before numpy (OpenBLAS) and our OpenMP kernels load
	os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from bench.common import printTable, writeJson  # noqa: E402

LR, ALPHA, EPS = 3e-3, 0.99, 1e-8


class FrameworkSide:
	def __init__(self, data, batch, globalState):
		from framework import Config
		from framework.Models import buildNet
		from framework.Cost import CrossEntropy
		from framework.Handlers import Trainer
		from framework.Optimizers import RMSProp

		Config.setSeed(0)
		self.data = data
		net = buildNet("mlp", data[0].shape[1:])
		optimizer = RMSProp(learnRate=LR, alpha=ALPHA, epsilon=EPS).setupOn(net, useGlobalState=globalState)
		self.trainer = Trainer(net, CrossEntropy(), optimizer, batchsize=batch, progress=False)


	def epoch(self):
		start = time.perf_counter()
		loss = self.trainer.trainFromHost(*self.data)
		return loss, time.perf_counter() - start


class MainJobSide:
	"""The loop of `python -m framework train` itself (defaults: cosine schedule, validation between epochs, and
	checkpoints); its time is the training part the command prints per epoch."""

	def __init__(self, batch, tmpdir):
		from framework.Cli.Parser import buildParser
		from framework.Cli.Train import Run

		self.args = buildParser().parse_args(["train", "--no-progress", "--batch-size", str(batch), "--out", tmpdir])
		self.session = Run(self.args, self.args.optimizer, {})
		self.path = os.path.join(tmpdir, "checkpoint.h5")


	def epoch(self):
		from framework.Handlers import saveCheckpoint

		row = self.session.epoch()
		s = self.session
		saveCheckpoint(self.path, s.net, s.optimizer, s.schedule, row["epoch"], s.history)
		return row["train_loss"], row["seconds"]


class TorchSide:
	def __init__(self, data, batch):
		import torch

		torch.manual_seed(0)
		self.torch, self.batch = torch, batch
		self.net = torch.nn.Sequential(
			torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
		)
		self.optimizer = torch.optim.RMSprop(self.net.parameters(), lr=LR, alpha=ALPHA, eps=EPS)
		self.lossFn = torch.nn.CrossEntropyLoss()
		self.x, self.y = torch.from_numpy(data[0]), torch.from_numpy(data[1].astype(np.int64))
		self.rng = np.random.default_rng(0)


	def epoch(self):
		start = time.perf_counter()
		order = self.torch.from_numpy(self.rng.permutation(self.x.shape[0]))
		total = 0.0
		for a in range(0, self.x.shape[0], self.batch):
			idx = order[a:a + self.batch]
			xb, yb = self.x[idx], self.y[idx]
			self.optimizer.zero_grad()
			pred = self.net(xb)
			loss = self.lossFn(pred, yb)
			loss.backward()
			self.optimizer.step()
			total += loss.item() * len(idx)
			(pred.argmax(dim=1) != yb).float().mean().item()
		return total / self.x.shape[0], time.perf_counter() - start


def main():
	import torch
	from framework import Config
	from framework.Datasets import loadDigits

	if ARGS.threads is not None:
		torch.set_num_threads(ARGS.threads)

	xTrain, yTrain, _, _ = loadDigits()
	data = (xTrain, yTrain)
	tmpdir = tempfile.mkdtemp()
	sides = {
		"python -m framework train": MainJobSide(ARGS.batch_size, tmpdir),
		"framework, global state": FrameworkSide(data, ARGS.batch_size, True),
		"framework, local state": FrameworkSide(data, ARGS.batch_size, False),
		"torch": TorchSide(data, ARGS.batch_size),
	}

	times, losses = {name: [] for name in sides}, {}
	for epoch in range(ARGS.epochs + 1):
		for name, side in sides.items():
			losses[name], seconds = side.epoch()
			if epoch > 0:
				times[name].append(seconds)
	shutil.rmtree(tmpdir)

	# The ratio of medians is the target; the ratio of minimums shows the quiet-machine figure when others load it
	torchMedian, torchMin = statistics.median(times["torch"]), min(times["torch"])
	results, rows = {}, []
	for name in sides:
		median, fastest = statistics.median(times[name]), min(times[name])
		results[name] = {
			"median_s_per_epoch": median, "min_s_per_epoch": fastest, "ratio_to_torch": median / torchMedian,
			"ratio_of_minimums": fastest / torchMin, "final_train_loss": losses[name]
		}
		rows.append((
			name, "%.4f" % median, "%.4f" % fastest, "%.2f" % (median / torchMedian), "%.2f" % (fastest / torchMin),
			"%.4f" % losses[name]
		))

	print("digits MLP 64-128-64-10, RMSProp, batch %d, %d samples/epoch, %d timed epochs; backend %s; torch %s on %d threads" % (
		ARGS.batch_size, xTrain.shape[0], ARGS.epochs, Config.getBackend(), torch.__version__, torch.get_num_threads()
	))
	printTable(("side", "median s/epoch", "min s/epoch", "ratio to torch (target <= 1.3)", "ratio of minimums", "final loss"), rows)
	writeJson(ARGS.json, {
		"benchmark": "train: per-epoch time of the main job's MLP vs PyTorch", "epochs": ARGS.epochs,
		"batch_size": ARGS.batch_size, "samples": int(xTrain.shape[0]), "backend": Config.getBackend(),
		"torch": torch.__version__, "torch_threads": torch.get_num_threads(), "results": results
	})


if __name__ == "__main__":
	main()
