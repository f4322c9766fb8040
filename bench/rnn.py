"""One LSTM layer's training step (forward + backward through time) against torch.nn.LSTM on the same CPU.

T=64 steps, batch 64, insize = hsize = 256, float32; the loss is sum(output * W) for a fixed random W, so both
sides compute every parameter gradient and the input gradient. Ratio = our steps per second / PyTorch's
(> 1: faster); the target is 0.8. Our forward is timed alone as well; the backward is the step minus it.

    python bench/rnn.py [--rounds 5] [--repeats 11] [--threads N] [--passive] [--json bench/results/rnn.json]

As bench/nets.py: each side runs in its own worker process, the workers alternate for several rounds so that a
change of machine load hits both alike, and a side's time is the median over rounds of each round's median step.
--threads N gives both sides N threads (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, torch.set_num_threads).
"""
import argparse
import json
import os
import statistics
import sys


def parseArgs():
	sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
	# bench.common imports neither numpy nor the framework: the thread variables come first
	from bench.common import addWorkerArguments
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	addWorkerArguments(parser, repeats=11, warmup=2)
	parser.add_argument("--json", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "rnn.json"))
	return parser.parse_args()


ARGS = parseArgs() if __name__ == "__main__" else None
if ARGS is not None:
	from bench.common import applyThreadEnvironment
	applyThreadEnvironment(ARGS)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import common  # noqa: E402
from bench.common import printTable, timeit, writeJson  # noqa: E402
from framework import Config  # noqa: E402
from framework.Backend import gpuarray  # noqa: E402
from framework.Modules import RNN  # noqa: E402

T, BATCH, INSIZE, HSIZE = 64, 64, 256, 256
TARGET = 0.8


def inputs():
	rng = np.random.default_rng(0)
	return (rng.standard_normal((T, BATCH, INSIZE)).astype(np.float32),
			rng.standard_normal((T, BATCH, HSIZE)).astype(np.float32))


def worker(side, args):
	"""Prints the median seconds per step (and, for ours, per forward and per backward) of one side."""
	x, w = inputs()
	result = {}
	if side == "torch":
		import torch
		if args.threads is not None:
			torch.set_num_threads(args.threads)
		torch.manual_seed(0)
		lstm = torch.nn.LSTM(INSIZE, HSIZE)
		tx, tw = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w)

		def step():
			for p in lstm.parameters():
				p.grad = None
			tx.grad = None
			out, _ = lstm(tx)
			out.backward(tw)

		result["step"] = timeit(step, args.repeats, args.warmup)
		result["threads"], result["version"] = torch.get_num_threads(), torch.__version__
	else:
		Config.setSeed(0)
		rnn = RNN(INSIZE, HSIZE)
		dx, dw = gpuarray.to_gpu(x), gpuarray.to_gpu(w)

		def step():
			rnn(dx)
			rnn.backward(dw)

		result["step"] = timeit(step, args.repeats, args.warmup)
		# a backward needs its own forward (the gate gradients are kept per forward), so it is timed as the difference
		result["forward"] = timeit(lambda: rnn(dx), args.repeats, 1)
		result["backward"] = result["step"] - result["forward"]
	print(json.dumps(result))


def runWorker(side, args):
	return common.runWorker(__file__, side, args)


def main(args):
	if args.worker is not None:
		return worker(args.worker, args)

	rounds = {"ours": [], "torch": []}
	for r in range(args.rounds):
		for side in (("ours", "torch") if r % 2 == 0 else ("torch", "ours")):
			rounds[side].append(runWorker(side, args))
	torchInfo = rounds["torch"][0]

	median = lambda side, key: statistics.median(r[key] for r in rounds[side])
	ours, theirs = median("ours", "step"), median("torch", "step")
	ratio = theirs / ours
	load = os.getloadavg()[0]
	print("one LSTM layer training step (T=%d, batch %d, insize %d, hsize %d, float32, forward + backward), backend %s, "
		"torch %s with %d threads, our threads %s, load average %.2f on %d cores; median of %d rounds x %d steps" % (
		T, BATCH, INSIZE, HSIZE, Config.getBackend(), torchInfo["version"], torchInfo["threads"],
		os.environ.get("OMP_NUM_THREADS", "default"), load, os.cpu_count(), args.rounds, args.repeats
	))
	printTable(["ours ms", "(fwd", "bwd)", "torch ms", "ratio", "target"], [[
		"%.2f" % (ours * 1e3), "%.2f" % (median("ours", "forward") * 1e3), "%.2f" % (median("ours", "backward") * 1e3),
		"%.2f" % (theirs * 1e3), "%.2f" % ratio, ">= %.1f %s" % (TARGET, "met" if ratio >= TARGET else "MISSED")
	]])
	writeJson(args.json, {
		"backend": Config.getBackend(), "torch": torchInfo["version"], "torchThreads": torchInfo["threads"],
		"threads": args.threads, "rounds": args.rounds, "repeats": args.repeats, "loadAverage": load,
		"shape": {"T": T, "batch": BATCH, "insize": INSIZE, "hsize": HSIZE}, "oursSeconds": ours, "torchSeconds": theirs,
		"oursForwardSeconds": median("ours", "forward"), "oursBackwardSeconds": median("ours", "backward"),
		"ratio": ratio, "target": TARGET, "met": ratio >= TARGET,
		"oursRounds": [r["step"] for r in rounds["ours"]], "torchRounds": [r["step"] for r in rounds["torch"]],
	})


if __name__ == "__main__":
	main(ARGS)
