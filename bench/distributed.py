"""Data-parallel scaling: 1 against 2 processes training a compute-bound MLP, with PyTorch DDP as the anchor.

Every side trains 784-2048-2048-10 (ReLU, float32, 5.8 M parameters) on random data with SGD, global batch 512,
one thread per process (OMP_NUM_THREADS=1), for whole epochs of --steps batches after a warm-up epoch:

  * framework, 1 process: Trainer.trainFromHost, no nodeinfo;
  * framework, N processes under mpiexec: the same with SGD(nodeinfo=NodeInfo()): each rank takes its shard of
    every global batch and the optimizer averages the gradients with one MPI all-reduce per step, timed apart;
  * PyTorch, 1 process, and DistributedDataParallel (gloo) with N processes, shards of the same size.

Sides alternate (--rounds times) so that a change in machine load hits them alike; each reports its best round.
Scaling efficiency = throughput with N processes / (N x throughput with 1). Prints a table, writes JSON.

    python bench/distributed.py [--processes 2] [--steps 12] [--rounds 2] [--json bench/results/distributed.json]
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYERS = (784, 2048, 2048, 10)
BATCH, LR = 512, 1e-3


def parseArgs(argv=None):
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--processes", type=int, default=2)
	parser.add_argument("--steps", type=int, default=12, help="global batches per timed epoch (default: 12)")
	parser.add_argument("--epochs", type=int, default=2, help="timed epochs per run after the warm-up one (default: 2)")
	parser.add_argument("--rounds", type=int, default=2, help="runs of every side, alternating (default: 2)")
	parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "distributed.json"))
	parser.add_argument("--worker", choices=("framework", "torch"), help=argparse.SUPPRESS)
	parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
	return parser.parse_args(argv)


def makeData(steps):
	import numpy as np
	rng = np.random.default_rng(0)
	x = rng.standard_normal((steps * BATCH, LAYERS[0])).astype(np.float32)
	y = rng.integers(0, LAYERS[-1], size=steps * BATCH).astype(np.int32)
	return x, y


def report(payload):
	print("RESULT " + json.dumps(payload), flush=True)


# --- workers (one process each; rank 0 reports) -----------------------------------------------------------------

def frameworkWorker(args):
	sys.path.insert(0, ROOT)
	from framework import Config
	from framework.Containers import Sequential
	from framework.Cost import CrossEntropy
	from framework.Distributed.Launch import launchedSize
	from framework.Handlers import Trainer
	from framework.Modules import Activation, Linear, relu
	from framework.Optimizers import SGD

	node = None
	if launchedSize() > 1:
		from framework.Distributed import NodeInfo
		node = NodeInfo()

	Config.setSeed(0)
	net = Sequential()
	for k, (fanIn, fanOut) in enumerate(zip(LAYERS[:-1], LAYERS[1:])):
		net.append(Linear(fanIn, fanOut, initscheme="he"))
		if k < len(LAYERS) - 2:
			net.append(Activation(relu))
	optimizer = SGD(learnRate=LR, nodeinfo=node).setupOn(net, useGlobalState=True)
	trainer = Trainer(net, CrossEntropy(), optimizer, batchsize=BATCH, progress=False)

	reduceSeconds = []
	if node is not None:
		average = node.averageGradients

		def timedAverage(groups):
			start = time.perf_counter()
			average(groups)
			reduceSeconds.append(time.perf_counter() - start)
		node.averageGradients = timedAverage

	x, y = makeData(args.steps)
	trainer.trainFromHost(x, y, shuffle=False)  # warm-up: kernel compilation, first-touch of buffers
	reduceSeconds.clear()
	epochs = []
	for _ in range(args.epochs):
		if node is not None:
			node.barrier()
		start = time.perf_counter()
		trainer.trainFromHost(x, y, shuffle=False)
		epochs.append(time.perf_counter() - start)

	gradBytes = sum(var.grad.nbytes for var in optimizer.vars)
	if node is None or node.isRoot:
		best = min(epochs) / args.steps
		report({
			"side": "framework", "processes": 1 if node is None else node.size, "seconds_per_step": best,
			"samples_per_s": BATCH / best, "allreduce_seconds_per_step": sum(reduceSeconds) / len(reduceSeconds) if reduceSeconds else 0.0,
			"gradient_bytes": gradBytes, "loss": trainer.history[-1]["loss"]
		})


def torchWorker(args):
	import numpy as np
	import torch
	torch.set_num_threads(1)
	size = int(os.environ.get("PMI_SIZE", "1"))
	rank = int(os.environ.get("PMI_RANK", "0"))

	torch.manual_seed(0)
	layers = []
	for k, (fanIn, fanOut) in enumerate(zip(LAYERS[:-1], LAYERS[1:])):
		layers.append(torch.nn.Linear(fanIn, fanOut))
		if k < len(LAYERS) - 2:
			layers.append(torch.nn.ReLU())
	model = torch.nn.Sequential(*layers)

	if size > 1:
		import torch.distributed as dist
		dist.init_process_group("gloo", init_method="tcp://127.0.0.1:%d" % args.port, rank=rank, world_size=size)
		model = torch.nn.parallel.DistributedDataParallel(model)
	optimizer = torch.optim.SGD(model.parameters(), lr=LR)
	lossFn = torch.nn.CrossEntropyLoss()

	x, y = makeData(args.steps)
	x, y = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
	shard = BATCH // size
	lo = rank * shard

	def epoch():
		for step in range(args.steps):
			a = step * BATCH + lo
			optimizer.zero_grad()
			loss = lossFn(model(x[a:a + shard]), y[a:a + shard])
			loss.backward()
			optimizer.step()
			loss.item()  # read back every step, as the framework's Trainer does
		return loss.item()

	epoch()
	epochs = []
	for _ in range(args.epochs):
		if size > 1:
			dist.barrier()
		start = time.perf_counter()
		loss = epoch()
		epochs.append(time.perf_counter() - start)

	gradBytes = sum(p.numel() * p.element_size() for p in model.parameters())
	reduceSeconds = 0.0
	if size > 1:
		# What gloo's all-reduce alone costs on this many bytes (DDP overlaps it with the backward pass in buckets)
		flat = torch.zeros(gradBytes // 4)
		dist.all_reduce(flat)
		start = time.perf_counter()
		for _ in range(5):
			dist.all_reduce(flat)
		reduceSeconds = (time.perf_counter() - start) / 5
		dist.destroy_process_group()

	if rank == 0:
		best = min(epochs) / args.steps
		report({
			"side": "torch", "processes": size, "seconds_per_step": best, "samples_per_s": BATCH / best,
			"allreduce_seconds_per_step": reduceSeconds, "gradient_bytes": gradBytes, "loss": loss
		})


# --- the driver ------------------------------------------------------------------------------------------------

def freePort():
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def launch(side, processes, args):
	env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", FRAMEWORK_BACKEND="cpu")
	env["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
	command = [sys.executable, os.path.abspath(__file__), "--worker", side, "--steps", str(args.steps), "--epochs", str(args.epochs)]
	if side == "torch":
		command += ["--port", str(freePort())]
	if processes > 1:
		command = [shutil.which("mpiexec"), "-n", str(processes)] + command

	result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
	lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
	if result.returncode != 0 or not lines:
		raise SystemExit("%s with %d process(es) failed:\n%s\n%s" % (side, processes, result.stdout, result.stderr))
	return json.loads(lines[-1][len("RESULT "):])


def main():
	args = parseArgs()
	if args.worker == "framework":
		return frameworkWorker(args)
	if args.worker == "torch":
		return torchWorker(args)

	sys.path.insert(0, ROOT)
	from bench.common import printTable, writeJson

	try:
		import torch  # noqa: F401
		sides = ["framework", "torch"]
	except ImportError:
		print("torch is not installed: no DDP anchor")
		sides = ["framework"]

	runs = [(side, n) for side in sides for n in (1, args.processes)]
	best = {}
	for _ in range(args.rounds):
		for side, n in runs:
			result = launch(side, n, args)
			key = (side, n)
			if key not in best or result["samples_per_s"] > best[key]["samples_per_s"]:
				best[key] = result

	rows, results = [], []
	for side, n in runs:
		r = dict(best[(side, n)])
		r["efficiency"] = r["samples_per_s"] / (n * best[(side, 1)]["samples_per_s"])
		if side == "framework" and ("torch", n) in best:
			r["ratio_to_torch"] = r["samples_per_s"] / best[("torch", n)]["samples_per_s"]
		results.append(r)
		rows.append([
			"%s%s" % (side, " DDP (gloo)" if side == "torch" and n > 1 else ""), n, "%.1f" % r["samples_per_s"],
			"%.4f" % r["seconds_per_step"], "%.0f%%" % (100 * r["efficiency"]),
			"%.4f" % r["allreduce_seconds_per_step"] if n > 1 else "-", "%.2f" % r["ratio_to_torch"] if "ratio_to_torch" in r else "-"
		])
	printTable(["side", "processes", "samples/s", "s/step", "efficiency", "all-reduce s/step", "ratio to torch"], rows)

	gradBytes = best[("framework", 1)]["gradient_bytes"]
	print("gradient bytes per step: %d (%.1f MB)" % (gradBytes, gradBytes / 1e6))
	writeJson(args.json, {
		"net": "-".join(map(str, LAYERS)), "global_batch": BATCH, "threads_per_process": 1, "steps_per_epoch": args.steps,
		"rounds": args.rounds, "results": results
	})


if __name__ == "__main__":
	main()
