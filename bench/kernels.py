"""How close a fused one-source elementwise kernel comes to the machine's memory-bandwidth limit.

The kernel reads three float32 arrays and writes two of them back (an optimizer
step's shape: param and state are read and written, grad is only read), so each
element moves 5 x 4 useful bytes. Compared in one run against the same math in
numpy and against in-place streaming (numpy.add(a, b, out=a), 3 x nbytes).

    python bench/kernels.py [--size 67108864] [--json bench/results/kernels.json]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import printTable, streamingLimit, timeit, writeJson  # noqa: E402
from framework import Config  # noqa: E402
from framework.Backend import gpuarray  # noqa: E402
from framework.Backend.Kernels import ElementwiseKernel  # noqa: E402

fusedStep = ElementwiseKernel(
	"T *param, T *state, const T *grad, T lr, T alpha",
	"T g = grad[i]; T s = alpha * state[i] + (1 - alpha) * g * g; state[i] = s; param[i] -= lr * g / (sqrtf(s) + 1e-8)",
	"benchFusedStep"
)


# The same in-place add as numpy.add(a, b, out=a), on every core: numpy's is single-threaded and,
# on a machine whose one core cannot saturate memory, understates the limit.
inplaceAdd = ElementwiseKernel("T *a, const T *b", "a[i] += b[i]", "benchInplaceAdd")


def threadedStreamingLimit(x, y, repeats):
	"""GB/s of the in-place add kernel on every core, counting 3 x nbytes as streamingLimit does."""
	a, b = gpuarray.to_gpu(x), gpuarray.to_gpu(y)
	return 3 * a.nbytes / timeit(lambda: inplaceAdd(a, b), repeats=repeats) / 1e9


def numpyStep(param, state, grad, lr, alpha):
	state *= alpha
	state += (1 - alpha) * grad * grad
	param -= lr * grad / (np.sqrt(state) + np.float32(1e-8))


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--size", type=int, default=64 * 2 ** 20)
	parser.add_argument("--repeats", type=int, default=7)
	parser.add_argument("--json", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "kernels.json"))
	args = parser.parse_args()

	rng = np.random.default_rng(0)
	host = [rng.standard_normal(args.size, dtype=np.float32) for _ in range(3)]
	host[1] = np.abs(host[1])
	usefulBytes = 5 * 4 * args.size

	limit = streamingLimit(repeats=args.repeats)

	threadedLimit = threadedStreamingLimit(host[0], host[2], args.repeats)

	param, state, grad = (gpuarray.to_gpu(h) for h in host)
	fused = timeit(lambda: fusedStep(param, state, grad, 1e-3, 0.99), repeats=args.repeats)

	npParam, npState, npGrad = (h.copy() for h in host)
	numpyTime = timeit(lambda: numpyStep(npParam, npState, npGrad, np.float32(1e-3), np.float32(0.99)), repeats=args.repeats)

	fusedBw, numpyBw = usefulBytes / fused / 1e9, usefulBytes / numpyTime / 1e9
	rows = [
		["in-place numpy.add (limit)", "-", "%.1f" % limit, "1.00", "%.2f" % (limit / threadedLimit), "-"],
		["in-place add kernel, all threads", "-", "%.1f" % threadedLimit, "%.2f" % (threadedLimit / limit), "1.00", "-"],
		["fused kernel (%s)" % Config.getBackend(), "%.2f" % (fused * 1e3), "%.1f" % fusedBw, "%.2f" % (fusedBw / limit),
			"%.2f" % (fusedBw / threadedLimit), "%.2f" % (numpyTime / fused)],
		["numpy, same math", "%.2f" % (numpyTime * 1e3), "%.1f" % numpyBw, "%.2f" % (numpyBw / limit),
			"%.2f" % (numpyBw / threadedLimit), "1.00"],
	]
	print("fused elementwise step on %d float32 elements (3 arrays read, 2 written; %d useful bytes)" % (args.size, usefulBytes))
	printTable(["what", "ms", "GB/s", "of numpy.add", "of threaded add", "x numpy"], rows)

	targets = {"ofLimit": 0.85, "xNumpy": 4.0}
	met = fusedBw / limit >= targets["ofLimit"] and numpyTime / fused >= targets["xNumpy"]
	print("targets (>= %.0f%% of limit, >= %.0fx numpy): %s" % (targets["ofLimit"] * 100, targets["xNumpy"], "met" if met else "MISSED"))

	writeJson(args.json, {
		"backend": Config.getBackend(), "size": args.size, "limitGBs": limit, "threadedLimitGBs": threadedLimit,
		"fractionOfThreadedLimit": fusedBw / threadedLimit, "fusedSeconds": fused, "fusedGBs": fusedBw,
		"numpySeconds": numpyTime, "numpyGBs": numpyBw, "fractionOfLimit": fusedBw / limit, "speedupVsNumpy": numpyTime / fused,
		"targets": targets, "met": met,
	})


if __name__ == "__main__":
	main()
