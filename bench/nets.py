"""One training step (forward, cost, backward; no optimizer) of an MLP and a LeNet-5-sized CNN against PyTorch.

The same nets, data shapes and float32 on the same machine in one run, on the CPU (or whatever backend
FRAMEWORK_BACKEND picks; PyTorch stays on the CPU). Ratio = our steps per second / PyTorch's (> 1: faster).
Targets on the CPU: MLP >= 1.0x, CNN >= 0.7x. A per-module profile of our steps shows where the time goes.

    python bench/nets.py [--rounds 5] [--repeats 21] [--threads N] [--passive] [--json bench/results/nets.json]

--backend cuda (or --device-table on any backend) times the device table instead: the MLP and LeNet steps at
batch 128 and 4096 against PyTorch on the same device, in one process (our CUDA context is the device's primary
context, which torch shares); target MLP at batch 4096 >= 0.9x torch. --quick: tiny batches and repeats, a dry run.

    python bench/nets.py --backend cuda [--quick] [--json bench/results/nets-cuda.json]

Each side runs in its own worker process (one process holding our OpenMP and OpenBLAS pools next to PyTorch's
makes the spinning pools fight over the cores, which no real user pays), and the workers alternate for several
rounds so that a change of machine load hits both alike; a side's time is the median over rounds of each
round's median step. --threads N gives both sides N threads (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS,
torch.set_num_threads); --passive sets OMP_WAIT_POLICY=passive on both sides.
"""
import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict


RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def parseArgs():
	sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
	# bench.common imports neither numpy nor the framework: the thread variables come first
	from bench.common import addBackendArguments, addWorkerArguments
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	addWorkerArguments(parser, repeats=21, warmup=3)
	parser.add_argument("--json", default=None, help="default: bench/results/nets.json (nets-cuda.json for the device table)")
	parser.add_argument("--device-table", action="store_true", help="the --backend cuda table on the selected backend")
	addBackendArguments(parser)
	return parser.parse_args()


ARGS = parseArgs() if __name__ == "__main__" else None
if ARGS is not None:
	from bench.common import applyThreadEnvironment
	applyThreadEnvironment(ARGS)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import common  # noqa: E402
from bench.common import printTable, selectBackend, synchronizeAll, timeit, timeRounds, torchDevice, writeJson  # noqa: E402
from framework import Config  # noqa: E402
from framework.Backend import gpuarray  # noqa: E402
from framework.Containers import Sequential  # noqa: E402
from framework.Cost import CrossEntropy  # noqa: E402
from framework.Modules import Activation, Conv2D, Flatten, Linear, MaxPool2D, relu  # noqa: E402

TARGETS = {"mlp": 1.0, "cnn": 0.7}
# The device table's batches and its one target: the MLP step at the large batch, as a ratio torch time / ours
DEVICE_BATCHES = (128, 4096)
DEVICE_TARGET = {"net": "mlp", "batch": 4096, "ratio": 0.9}


def ourMlp():
	return Sequential().extend([
		Linear(784, 512), Activation(relu), Linear(512, 256), Activation(relu), Linear(256, 10)
	])


def ourCnn():
	return Sequential().extend([
		Conv2D(1, 6, 5), Activation(relu), MaxPool2D(2),
		Conv2D(6, 16, 5), Activation(relu), MaxPool2D(2),
		Flatten(), Linear(256, 120), Activation(relu), Linear(120, 84), Activation(relu), Linear(84, 10)
	])


def torchMlp(torch):
	nn = torch.nn
	return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def torchCnn(torch):
	nn = torch.nn
	return nn.Sequential(
		nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
		nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)
	)


NETS = {
	"mlp": ("MLP 784-512-256-10 relu", 128, (784, ), ourMlp, torchMlp),
	"cnn": ("LeNet-5 (28x28, conv5-pool-conv5-pool-fc)", 64, (1, 28, 28), ourCnn, torchCnn),
}


def ourStep(net, cost, x, labels):
	def step():
		grad = cost(net(x), labels, queryError=False)
		net.backward(grad, updGrad=False)
	return step


def torchStep(torch, net, x, labels):
	loss = torch.nn.CrossEntropyLoss()

	def step():
		for p in net.parameters():
			p.grad = None
		loss(net(x), labels).backward()
	return step


def profile(net, step, repeats):
	"""Median seconds per step spent in each child's forward and backward (children wrapped in timers)."""
	spent = defaultdict(list)
	children = dict(net.modules)
	net.modules = {name: _Timed(module, name, spent) for name, module in children.items()}
	try:
		for _ in range(repeats):
			step()
	finally:
		net.modules = children
	return {key: float(np.median(times)) for key, times in spent.items()}


class _Timed:
	"""Stands in for a child of the Sequential while profiling."""

	def __init__(self, module, name, spent):
		self.module, self.name, self.spent = module, name, spent


	def timed(self, what, fn, *args, **kwargs):
		start = time.perf_counter()
		out = fn(*args, **kwargs)
		gpuarray.synchronize()
		self.spent["%s %s" % (self.name, what)].append(time.perf_counter() - start)
		return out


	def __call__(self, data):
		return self.timed("fwd", self.module, data)


	def backward(self, grad, **kwargs):
		return self.timed("bwd", self.module.backward, grad, **kwargs)


def inputs(key, batch=None):
	"""The same data for both sides: seeded per net (batch: the net's own unless given)."""
	_, ownBatch, shape, _, _ = NETS[key]
	batch = ownBatch if batch is None else batch
	rng = np.random.default_rng(sorted(NETS).index(key))
	return rng.standard_normal((batch, ) + shape).astype(np.float32), rng.integers(0, 10, batch).astype(np.int32)


def worker(side, args):
	"""Prints {net: median seconds per step} for one side."""
	result = {}
	if side == "torch":
		import torch
		if args.threads is not None:
			torch.set_num_threads(args.threads)
		torch.manual_seed(0)
		for key, (_, _, _, _, theirs) in NETS.items():
			x, y = inputs(key)
			step = torchStep(torch, theirs(torch), torch.from_numpy(x), torch.from_numpy(y).long())
			result[key] = timeit(step, args.repeats, args.warmup)
		result["threads"] = torch.get_num_threads()
		result["version"] = torch.__version__
	else:
		Config.setSeed(0)
		for key, (_, _, _, ours, _) in NETS.items():
			x, y = inputs(key)
			result[key] = timeit(ourStep(ours(), CrossEntropy(), gpuarray.to_gpu(x), gpuarray.to_gpu(y)), args.repeats, args.warmup)
	print(json.dumps(result))


def runWorker(side, args):
	return common.runWorker(__file__, side, args)


def mainDevice(args, backend):
	"""The --backend cuda table: each net's step at each batch, ours and torch's on the same device, one process."""
	try:
		import torch
	except ImportError:
		sys.exit("bench/nets.py: the device table compares with torch, which is not installed")
	device = torchDevice(backend)
	if device == "cuda" and not torch.cuda.is_available():
		sys.exit("bench/nets.py: --backend cuda but torch sees no CUDA device")
	deviceName = torch.cuda.get_device_name() if device == "cuda" else "cpu"
	batches = (16, 64) if args.quick else DEVICE_BATCHES
	rounds, inner = (2, 1) if args.quick else (args.rounds, 10)

	def synchronize():
		synchronizeAll(torch, device)

	Config.setSeed(0)
	torch.manual_seed(0)
	rows, records = [], []
	for key, (title, _, _, ours, theirs) in NETS.items():
		for batch in batches:
			x, y = inputs(key, batch)
			ourStepFn = ourStep(ours(), CrossEntropy(), gpuarray.to_gpu(x), gpuarray.to_gpu(y))
			torchStepFn = torchStep(torch, theirs(torch).to(device), torch.from_numpy(x).to(device), torch.from_numpy(y).long().to(device))
			ourTime, torchTime = timeRounds([ourStepFn, torchStepFn], rounds, inner, synchronize)
			ratio = torchTime / ourTime
			# the target's batch is the largest one (4096; --quick: its stand-in), so a dry run exercises the check too
			isTarget = key == DEVICE_TARGET["net"] and batch == batches[-1]
			met = ratio >= DEVICE_TARGET["ratio"] if isTarget else None
			rows.append([title, batch, "%.3f" % (ourTime * 1e3), "%.3f" % (torchTime * 1e3), "%.2f" % ratio,
				"-" if met is None else ">= %.1f %s" % (DEVICE_TARGET["ratio"], "met" if met else "MISSED")])
			records.append(dict(net=key, title=title, batch=batch, oursSeconds=ourTime, torchSeconds=torchTime, ratio=ratio, met=met))

	print("one training step (forward + cost + backward, float32), backend %s on %s, torch %s on %s; median of %d rounds x %d steps" % (
		backend, deviceName, torch.__version__, device, rounds, inner))
	printTable(["net", "batch", "ours ms", "torch ms", "ratio", "target"], rows)
	writeJson(args.json, {
		"backend": backend, "device": deviceName, "torch": torch.__version__, "torchDevice": device, "quick": args.quick,
		"rounds": rounds, "inner": inner, "rows": records, "target": dict(DEVICE_TARGET, batch=batches[-1]),
	})


def main(args):
	if args.worker is not None:
		return worker(args.worker, args)

	backend = selectBackend(args.backend)
	deviceTable = backend == "cuda" or args.device_table
	if args.json is None:
		args.json = os.path.join(RESULTS, "nets-cuda.json" if deviceTable else "nets.json")
	if deviceTable:
		return mainDevice(args, backend)
	if args.quick:
		args.rounds, args.repeats, args.warmup = 1, 3, 1

	rounds = {"ours": [], "torch": []}
	for r in range(args.rounds):
		for side in (("ours", "torch") if r % 2 == 0 else ("torch", "ours")):
			rounds[side].append(runWorker(side, args))
	torchInfo = rounds["torch"][0]

	rows, results = [], {}
	for key, (title, batch, _, ours, _) in NETS.items():
		ourTime = statistics.median(r[key] for r in rounds["ours"])
		torchTime = statistics.median(r[key] for r in rounds["torch"])
		ratio = torchTime / ourTime
		met = ratio >= TARGETS[key]
		rows.append([title, batch, "%.3f" % (ourTime * 1e3), "%.3f" % (torchTime * 1e3), "%.2f" % ratio,
					 ">= %.1f %s" % (TARGETS[key], "met" if met else "MISSED")])

		Config.setSeed(0)
		x, y = inputs(key)
		net = ours()
		step = ourStep(net, CrossEntropy(), gpuarray.to_gpu(x), gpuarray.to_gpu(y))
		timeit(step, 1, args.warmup)
		results[key] = {
			"title": title, "batch": batch, "oursSeconds": ourTime, "torchSeconds": torchTime, "ratio": ratio,
			"target": TARGETS[key], "met": met, "profile": profile(net, step, args.repeats),
			"oursRounds": [r[key] for r in rounds["ours"]], "torchRounds": [r[key] for r in rounds["torch"]],
		}

	load = os.getloadavg()[0]
	print("one training step (forward + cost + backward, float32), backend %s, torch %s with %d threads, "
		"our threads %s, OMP_WAIT_POLICY %s, load average %.2f on %d cores; median of %d rounds x %d steps" % (
		Config.getBackend(), torchInfo["version"], torchInfo["threads"], os.environ.get("OMP_NUM_THREADS", "default"),
		os.environ.get("OMP_WAIT_POLICY", "default"), load, os.cpu_count(), args.rounds, args.repeats
	))
	printTable(["net", "batch", "ours ms", "torch ms", "ratio", "target"], rows)

	for key, result in results.items():
		total = sum(result["profile"].values())
		print("\nwhere our %s step goes (median ms per module pass, %% of module time):" % key)
		ranked = sorted(result["profile"].items(), key=lambda kv: -kv[1])
		printTable(["module pass", "ms", "%"], [[k, "%.3f" % (v * 1e3), "%.1f" % (100 * v / total)] for k, v in ranked])

	writeJson(args.json, {
		"backend": Config.getBackend(), "torch": torchInfo["version"], "torchThreads": torchInfo["threads"],
		"rounds": args.rounds, "repeats": args.repeats, "threads": args.threads,
		"waitPolicy": os.environ.get("OMP_WAIT_POLICY", "default"), "loadAverage": load, "nets": results, "targets": TARGETS,
	})


if __name__ == "__main__":
	main(ARGS)
