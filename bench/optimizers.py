"""One optimizer step (global state) against torch.optim (foreach) and the machine's streaming limit.

Large: 16M float32 parameters in 8 tensors; small: 200 tensors of 1K-100K elements (5M in all).
"Useful bytes" per element are what the step must read and write (plain RMSProp: read param, grad, s;
write param, s = 5 x 4 bytes); the limit is in-place numpy.add(a, b, out=a) on 64M float32 elements
counted as 3 x nbytes, measured in the same run. Times are medians of repeats after warm-up. The last two
columns time the same step with a FiniteCheck hook (the on-device non-finite check) and its ratio to the plain step.

    python bench/optimizers.py [--repeats 7] [--json bench/results/optimizers.json]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import printTable, streamingLimit, timeit, writeJson  # noqa: E402
from framework import Config  # noqa: E402
from framework.Optimizers import Adam, RMSProp, RMSPropGraves, Rprop  # noqa: E402
from framework.Optimizers.Hooks import FiniteCheck  # noqa: E402
from framework.Variable import Variable  # noqa: E402

LIMIT_SOURCE = "bench.common.streamingLimit"


# name, our factory, torch factory (params -> optimizer) or None, useful bytes per element (4-byte words read + written)
CONFIGS = [
	("RMSProp", lambda: RMSProp(learnRate=1e-3),
	 lambda ps, torch: torch.optim.RMSprop(ps, lr=1e-3, foreach=True), 5),
	("RMSProp centered+momentum", lambda: RMSProp(learnRate=1e-3, centered=True, momentum=0.9),
	 lambda ps, torch: torch.optim.RMSprop(ps, lr=1e-3, centered=True, momentum=0.9, foreach=True), 9),
	("RMSPropGraves", lambda: RMSPropGraves(), None, 9),
	("Rprop (iRprop-)", lambda: Rprop(), lambda ps, torch: torch.optim.Rprop(ps, lr=1e-2, foreach=True), 7),
	("Adam", lambda: Adam(), lambda ps, torch: torch.optim.Adam(ps, lr=1e-3, foreach=True), 7),
]


def makeTensors(sizes, rng):
	params = [rng.standard_normal(n, dtype=np.float32) for n in sizes]
	grads = [rng.standard_normal(n, dtype=np.float32) for n in sizes]
	return params, grads


def setupOurs(factory, params, grads, finiteCheck=False):
	variables = [Variable(p.copy(), name="p%d" % k) for k, p in enumerate(params)]
	for var, g in zip(variables, grads):
		var.grad.set(g)
	opt = factory()
	if finiteCheck:
		opt.addHook(FiniteCheck())
	opt.setupOn(variables, useGlobalState=True)
	return opt.update, len(opt.getGroups())


def setupTorch(factory, params, grads, torch):
	if factory is None or torch is None:
		return None
	tensors = [torch.tensor(p.copy(), requires_grad=True) for p in params]
	for t, g in zip(tensors, grads):
		t.grad = torch.tensor(g)
	return factory(tensors, torch).step


def timeInterleaved(fns, repeats):
	"""Medians of fns timed in alternating rounds after two warm-up calls each, so load from other
	processes on the shared machine falls on all of them alike."""
	fns = [fn for fn in fns if fn is not None]
	for fn in fns:
		fn()
		fn()
	samples = [[] for _ in fns]
	for _ in range(repeats):
		for fn, times in zip(fns, samples):
			times.append(timeit(fn, repeats=1, warmup=0))
	return [float(np.median(times)) for times in samples]


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--repeats", type=int, default=11)
	parser.add_argument("--json", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "optimizers.json"))
	args = parser.parse_args()

	try:
		import torch
		torch.set_grad_enabled(False)
	except ImportError:
		torch = None

	rng = np.random.default_rng(0)
	firstLimit = streamingLimit(repeats=args.repeats)

	# The limit is timed again inside every row's rounds, so a row's ratio compares times taken under the same load.
	streamA, streamB = np.ones(64 * 2 ** 20, np.float32), np.ones(64 * 2 ** 20, np.float32)

	def addStep():
		np.add(streamA, streamB, out=streamA)

	largeSizes = [2 * 2 ** 20] * 8
	# 200 sizes evenly spread over 1K-49K (mean 25K: 5M elements in all), in shuffled order
	smallSizes = [int(n) for n in rng.permutation(np.linspace(1000, 49000, 200).round().astype(np.int64))]

	rows, records = [], []
	for label, sizes in (("16M in 8 tensors", largeSizes), ("5M in 200 tensors", smallSizes)):
		params, grads = makeTensors(sizes, rng)
		total = sum(sizes)
		configs = CONFIGS if label.startswith("16M") else [c for c in CONFIGS if c[0] in ("RMSProp", "Rprop (iRprop-)")]

		for name, ours, theirs, words in configs:
			step, launches = setupOurs(ours, params, grads)
			checkedStep, _ = setupOurs(ours, params, grads, finiteCheck=True)
			torchStep = setupTorch(theirs, params, grads, torch)
			times = timeInterleaved([addStep, step, checkedStep, torchStep], args.repeats)
			limit = 3 * streamA.nbytes / times[0] / 1e9
			seconds, checkedSeconds, torchSeconds = times[1], times[2], (times[3] if torchStep is not None else None)
			useful = words * 4 * total / seconds / 1e9
			rows.append([
				name, label, "%.2f" % (seconds * 1e3), str(launches), "%.1f" % limit, "%.1f" % useful, "%.2f" % (useful / limit),
				"-" if torchSeconds is None else "%.2f" % (torchSeconds * 1e3),
				"-" if torchSeconds is None else "%.1f" % (torchSeconds / seconds),
				"%.2f" % (checkedSeconds * 1e3), "%.2f" % (checkedSeconds / seconds),
			])
			records.append(dict(
				optimizer=name, tensors=label, elements=total, usefulBytesPerElement=words * 4, seconds=seconds,
				launches=launches, limitGBs=limit, usefulGBs=useful, fractionOfLimit=useful / limit, torchForeachSeconds=torchSeconds,
				speedupVsTorch=None if torchSeconds is None else torchSeconds / seconds,
				finiteCheckSeconds=checkedSeconds, finiteCheckRatio=checkedSeconds / seconds,
			))

	print("one optimizer step, float32, global state, backend %s; streaming limit %.1f GB/s at start (%s), re-timed per row" % (
		Config.getBackend(), firstLimit, LIMIT_SOURCE
	))
	printTable(["optimizer", "tensors", "ms", "launches", "limit GB/s", "useful GB/s", "of limit", "torch foreach ms", "x torch",
		"+FiniteCheck ms", "FiniteCheck ratio"], rows)

	targets = {"ofLimit": 0.85, "xTorchRMSprop": 5.0, "xTorchRprop": 10.0, "xTorchSmallTensors": 5.0, "finiteCheckRatio": 1.10}
	big = [r for r in records if r["tensors"].startswith("16M")]
	small = [r for r in records if r["tensors"].startswith("5M")]
	checks = {
		"ofLimit": all(r["fractionOfLimit"] >= targets["ofLimit"] for r in big),
		"xTorchRMSprop": all((r["speedupVsTorch"] or 0) >= targets["xTorchRMSprop"] for r in big if r["optimizer"].startswith("RMSProp ") or r["optimizer"] == "RMSProp"),
		"xTorchRprop": all((r["speedupVsTorch"] or 0) >= targets["xTorchRprop"] for r in big if r["optimizer"].startswith("Rprop")),
		"xTorchSmallTensors": all((r["speedupVsTorch"] or 0) >= targets["xTorchSmallTensors"] for r in small),
		"finiteCheckRatio": all(r["finiteCheckRatio"] <= targets["finiteCheckRatio"] for r in records),
	}
	print("targets: " + ", ".join("%s %s %s: %s" % (k, "<=" if k == "finiteCheckRatio" else ">=", targets[k], "met" if v else "MISSED")
		for k, v in checks.items()))
	if torch is None:
		print("torch is not installed: the torch columns are empty")

	writeJson(args.json, {
		"backend": Config.getBackend(), "limitGBsAtStart": firstLimit, "limitSource": LIMIT_SOURCE,
		"torch": None if torch is None else torch.__version__, "torchThreads": None if torch is None else torch.get_num_threads(),
		"rows": records, "targets": targets, "met": checks,
	})


if __name__ == "__main__":
	main()
