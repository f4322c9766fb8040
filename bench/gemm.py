"""Our CPU gemm (framework/Backend/Cpu/Gemm.py) against OpenBLAS (scipy-openblas64) and torch.mm, shape by shape.

The shapes are the eight products of the bench/nets.py MLP step (forward, weight gradient, input gradient),
a few square ones, and 1024^3, above Gemm.OWN_GEMM_MACS, where Blas.gemm hands products to OpenBLAS.
Ours and OpenBLAS run in this process, called directly (not through Blas.gemm's routing); torch.mm runs in a
worker process of its own, as in bench/nets.py, so that its thread pool does not fight ours.

    python bench/gemm.py [--repeats 200] [--json bench/results/gemm.json]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import machine, printTable, timeit, writeJson  # noqa: E402

# (title, m, n, k, transpA, transpB): out (m x n) = op(A) (m x k) @ op(B) (k x n)
SHAPES = [
	("mlp fwd 784->512", 128, 512, 784, False, False),
	("mlp fwd 512->256", 128, 256, 512, False, False),
	("mlp fwd 256->10", 128, 10, 256, False, False),
	("mlp dW 784x512", 784, 512, 128, True, False),
	("mlp dW 512x256", 512, 256, 128, True, False),
	("mlp dx 256->512", 128, 512, 256, False, True),
	("mlp dx 10->256", 128, 256, 10, False, True),
	("square 256", 256, 256, 256, False, False),
	("square 512", 512, 512, 512, False, False),
	("square 1024 (OpenBLAS's)", 1024, 1024, 1024, False, False),
]


def operands(m, n, k, transpA, transpB):
	rng = np.random.default_rng(m * 7 + n * 3 + k)
	A = rng.standard_normal((k, m) if transpA else (m, k)).astype(np.float32)
	B = rng.standard_normal((n, k) if transpB else (k, n)).astype(np.float32)
	return A, B


def torchWorker(repeats):
	import torch
	times = []
	for _, m, n, k, transpA, transpB in SHAPES:
		A, B = (torch.from_numpy(ary) for ary in operands(m, n, k, transpA, transpB))
		a, b = (A.t() if transpA else A), (B.t() if transpB else B)
		out = torch.empty(m, n)
		times.append(timeit(lambda: torch.mm(a, b, out=out), repeats, 10))
	print(json.dumps({"times": times, "version": torch.__version__, "threads": torch.get_num_threads()}))


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--repeats", type=int, default=200)
	parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
	parser.add_argument("--json", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "gemm.json"))
	args = parser.parse_args()
	if args.worker:
		return torchWorker(args.repeats)

	from framework import Config
	Config.setBackend("cpu")
	from framework.Backend import gpuarray
	from framework.Backend.Cpu import Blas, Gemm

	torchInfo = None
	try:
		import torch  # noqa: F401
		out = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", "--repeats", str(args.repeats)],
			check=True, capture_output=True, text=True).stdout
		torchInfo = json.loads(out.strip().splitlines()[-1])
	except ImportError:
		print("torch is not installed: its column stays empty")

	rows, results = [], []
	for index, (title, m, n, k, transpA, transpB) in enumerate(SHAPES):
		A, B = (gpuarray.to_gpu(ary) for ary in operands(m, n, k, transpA, transpB))
		out = gpuarray.empty((m, n), np.float32)
		ours = timeit(lambda: Gemm.gemm(A, B, out, transpA, transpB, 1.0, 0.0), args.repeats, 10)
		theirs = None
		if Blas._cblas is not None:
			fn = Blas._cblas[np.dtype(np.float32)]
			flags = [Blas.TRANS if transpA else Blas.NO_TRANS, Blas.TRANS if transpB else Blas.NO_TRANS]
			theirs = timeit(lambda: fn(Blas.ROW_MAJOR, *flags, m, n, k, 1.0, A.ptr, A.shape[1], B.ptr, B.shape[1],
				0.0, out.ptr, n), args.repeats, 10)
		torchTime = torchInfo["times"][index] if torchInfo else None

		gflops = lambda seconds: 2.0 * m * n * k / seconds / 1e9  # noqa: E731
		rows.append([title, "%dx%dx%d" % (m, n, k), "%.1f" % gflops(ours),
			"%.1f" % gflops(theirs) if theirs else "-", "%.1f" % gflops(torchTime) if torchTime else "-",
			"%.2f" % (theirs / ours) if theirs else "-", "%.2f" % (torchTime / ours) if torchTime else "-",
			"ours" if m * n * k <= Gemm.OWN_GEMM_MACS else "OpenBLAS"])
		results.append({"title": title, "m": m, "n": n, "k": k, "transpA": transpA, "transpB": transpB,
			"oursSeconds": ours, "openblasSeconds": theirs, "torchSeconds": torchTime})

	from framework.Backend.Cpu import Compiler
	features = Compiler.targetFeatures(Compiler.compilerCommand())
	vector = "AVX-512" if "__AVX512F__" in features else "AVX2" if "__AVX2__" in features else "no AVX2"
	print("float32 gemm on %s (%s), GFLOP/s (2mnk / time, median of %d calls); ratio > 1: ours is faster; %d cores, load %.2f%s" % (
		machine()["cpu"], vector, args.repeats, os.cpu_count(), os.getloadavg()[0],
		", torch %s with %d threads" % (torchInfo["version"], torchInfo["threads"]) if torchInfo else ""))
	printTable(["product", "m x n x k", "ours", "OpenBLAS", "torch.mm", "vs OpenBLAS", "vs torch", "Blas.gemm uses"], rows)
	writeJson(args.json, {"shapes": results, "ownGemmMacs": Gemm.OWN_GEMM_MACS, "vector": vector,
		"torch": torchInfo and {key: torchInfo[key] for key in ("version", "threads")}})


if __name__ == "__main__":
	main()
