"""One optimizer step (global state) against torch.optim (foreach) and the machine's streaming limit.

Large: 16M float32 parameters in 8 tensors; small: 200 tensors of 1K-100K elements (5M in all).
"Useful bytes" per element are what the step must read and write (plain RMSProp: read param, grad, s;
write param, s = 5 x 4 bytes); the limit is in-place numpy.add(a, b, out=a) on 64M float32 elements
counted as 3 x nbytes, measured in the same run. Times are medians of repeats after warm-up. The last two
columns time the same step with a FiniteCheck hook (the on-device non-finite check) and its ratio to the plain step.

    python bench/optimizers.py [--repeats 7] [--json bench/results/optimizers.json]

--backend cuda (or --device-table on any backend) times the device table instead: one step on 64M float32
parameters in 8 tensors and on 200 small tensors, global state, against torch.optim on the same device (foreach;
fused where torch has it: Adam) and against the device-to-device copy bandwidth (torch copy_, counted as 2 x
nbytes) measured in the same run. --quick shrinks sizes and repeats so a dry run takes seconds.

    python bench/optimizers.py --backend cuda [--quick] [--json bench/results/optimizers-cuda.json]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import (  # noqa: E402
	addBackendArguments, printTable, selectBackend, streamingLimit, synchronizeAll, timeit, timeRounds, torchDevice, writeJson
)
from framework import Config  # noqa: E402
from framework.Optimizers import Adam, RMSProp, RMSPropGraves, Rprop  # noqa: E402
from framework.Optimizers.Hooks import FiniteCheck  # noqa: E402
from framework.Variable import Variable  # noqa: E402

LIMIT_SOURCE = "bench.common.streamingLimit"
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


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


def smallTensorSizes(rng, quick):
	"""200 sizes evenly spread over 1K-49K (mean 25K: 5M elements in all), in shuffled order; --quick: 20 of 1K-5K."""
	count, largest = (20, 5000) if quick else (200, 49000)
	return [int(n) for n in rng.permutation(np.linspace(1000, largest, count).round().astype(np.int64))]


def sizesLabel(sizes):
	"""'16M in 8 tensors', '5M in 200 tensors' (elements rounded to M, or K below a million)."""
	total = sum(sizes)
	amount = "%dM" % round(total / 2 ** 20) if total >= 2 ** 20 else "%dK" % round(total / 1000)
	return "%s in %d tensors" % (amount, len(sizes))


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


# torch's fused implementations, where torch has one, beside its foreach ones in CONFIGS
FUSED = {
	"Adam": lambda ps, torch: torch.optim.Adam(ps, lr=1e-3, fused=True),
}


def setupTorchOn(factory, params, grads, torch, device):
	tensors = [torch.tensor(p, device=device, requires_grad=True) for p in params]
	for t, g in zip(tensors, grads):
		t.grad = torch.tensor(g, device=device)
	return factory(tensors, torch).step


def mainDevice(args, backend):
	"""The --backend cuda table: our step against torch.optim on the same device and the device's copy bandwidth."""
	try:
		import torch
	except ImportError:
		sys.exit("bench/optimizers.py: the device table compares with torch, which is not installed")
	torch.set_grad_enabled(False)
	device = torchDevice(backend)
	if device == "cuda" and not torch.cuda.is_available():
		sys.exit("bench/optimizers.py: --backend cuda but torch sees no CUDA device")
	deviceName = torch.cuda.get_device_name() if device == "cuda" else "cpu"

	def synchronize():
		synchronizeAll(torch, device)

	# The copy bandwidth is timed in every row's rounds, so a row's ratio compares times taken in the same moments.
	copySize = 2 ** 20 if args.quick else 64 * 2 ** 20
	copySource = torch.ones(copySize, dtype=torch.float32, device=device)
	copyTarget = torch.empty_like(copySource)

	def copy():
		copyTarget.copy_(copySource)

	rng = np.random.default_rng(0)
	largeSizes = [(2 ** 14 if args.quick else 8 * 2 ** 20)] * 8
	smallSizes = smallTensorSizes(rng, args.quick)
	largeLabel, smallLabel = sizesLabel(largeSizes), sizesLabel(smallSizes)
	inner = 2 if args.quick else 10

	rows, records = [], []
	for label, sizes in ((largeLabel, largeSizes), (smallLabel, smallSizes)):
		params, grads = makeTensors(sizes, rng)
		total = sum(sizes)
		for name, ours, theirs, words in CONFIGS:
			step, launches = setupOurs(ours, params, grads)
			foreachStep = None if theirs is None else setupTorchOn(theirs, params, grads, torch, device)
			fusedStep = None if name not in FUSED else setupTorchOn(FUSED[name], params, grads, torch, device)
			fns = [copy, step] + [fn for fn in (foreachStep, fusedStep) if fn is not None]
			times = timeRounds(fns, args.repeats, inner, synchronize)
			copySeconds, seconds, rest = times[0], times[1], times[2:]
			foreachSeconds = rest.pop(0) if foreachStep is not None else None
			fusedSeconds = rest.pop(0) if fusedStep is not None else None

			copyGBs = 2 * copySource.numel() * 4 / copySeconds / 1e9
			useful = words * 4 * total / seconds / 1e9
			rows.append([
				name, label, "%.3f" % (seconds * 1e3), str(launches), "%.1f" % useful, "%.1f" % copyGBs, "%.2f" % (useful / copyGBs),
				"-" if foreachSeconds is None else "%.3f" % (foreachSeconds * 1e3),
				"-" if foreachSeconds is None else "%.2f" % (foreachSeconds / seconds),
				"-" if fusedSeconds is None else "%.3f" % (fusedSeconds * 1e3),
				"-" if fusedSeconds is None else "%.2f" % (fusedSeconds / seconds),
			])
			records.append(dict(
				optimizer=name, tensors=label, elements=total, usefulBytesPerElement=words * 4, seconds=seconds, launches=launches,
				usefulGBs=useful, copyGBs=copyGBs, fractionOfCopy=useful / copyGBs,
				torchForeachSeconds=foreachSeconds, speedupVsForeach=None if foreachSeconds is None else foreachSeconds / seconds,
				torchFusedSeconds=fusedSeconds, speedupVsFused=None if fusedSeconds is None else fusedSeconds / seconds,
			))
			del step, foreachStep, fusedStep
		del params, grads

	print("one optimizer step, float32, global state, backend %s on %s, torch %s on %s; copy = torch copy_ counted as "
		"2 x nbytes, re-timed per row; median of %d rounds x %d steps" % (
		backend, deviceName, torch.__version__, device, args.repeats, inner))
	printTable(["optimizer", "tensors", "ms", "launches", "useful GB/s", "copy GB/s", "of copy", "torch foreach ms", "x foreach",
		"torch fused ms", "x fused"], rows)

	targets = {"ofCopy": 0.85, "xForeach": 1.0, "xForeachSmallTensors": 5.0}
	big = [r for r in records if r["tensors"] == largeLabel]
	small = [r for r in records if r["tensors"] == smallLabel]
	checks = {
		"ofCopy": all(r["fractionOfCopy"] >= targets["ofCopy"] for r in big),
		"xForeach": all(r["speedupVsForeach"] > targets["xForeach"] for r in big if r["speedupVsForeach"] is not None),
		"xForeachSmallTensors": all(r["speedupVsForeach"] >= targets["xForeachSmallTensors"] for r in small if r["speedupVsForeach"] is not None),
	}
	print("targets (%s rows; RMSPropGraves has no torch counterpart): of copy >= 0.85 (%s), faster than torch foreach (%s); "
		"%s: >= 5x torch foreach (%s)" % (largeLabel, "met" if checks["ofCopy"] else "MISSED", "met" if checks["xForeach"] else "MISSED",
		smallLabel, "met" if checks["xForeachSmallTensors"] else "MISSED"))

	writeJson(args.json, {
		"backend": backend, "device": deviceName, "torch": torch.__version__, "torchDevice": device, "quick": args.quick,
		"rounds": args.repeats, "inner": inner, "rows": records, "targets": targets, "met": checks,
	})


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--repeats", type=int, default=11)
	parser.add_argument("--json", default=None, help="default: bench/results/optimizers.json (optimizers-cuda.json for the device table)")
	parser.add_argument("--device-table", action="store_true", help="the --backend cuda table on the selected backend")
	addBackendArguments(parser)
	args = parser.parse_args()
	backend = selectBackend(args.backend)
	deviceTable = backend == "cuda" or args.device_table
	if args.json is None:
		args.json = os.path.join(RESULTS, "optimizers-cuda.json" if deviceTable else "optimizers.json")
	if args.quick:
		args.repeats = min(args.repeats, 3)
	if deviceTable:
		return mainDevice(args, backend)

	try:
		import torch
		torch.set_grad_enabled(False)
	except ImportError:
		torch = None

	rng = np.random.default_rng(0)
	limitSize = 2 ** 20 if args.quick else 64 * 2 ** 20
	firstLimit = streamingLimit(size=limitSize, repeats=args.repeats)

	# The limit is timed again inside every row's rounds, so a row's ratio compares times taken under the same load.
	streamA, streamB = np.ones(limitSize, np.float32), np.ones(limitSize, np.float32)

	def addStep():
		np.add(streamA, streamB, out=streamA)

	largeSizes = [(2 ** 14 if args.quick else 2 * 2 ** 20)] * 8
	smallSizes = smallTensorSizes(rng, args.quick)
	largeLabel, smallLabel = sizesLabel(largeSizes), sizesLabel(smallSizes)

	rows, records = [], []
	for label, sizes in ((largeLabel, largeSizes), (smallLabel, smallSizes)):
		params, grads = makeTensors(sizes, rng)
		total = sum(sizes)
		configs = CONFIGS if label == largeLabel else [c for c in CONFIGS if c[0] in ("RMSProp", "Rprop (iRprop-)")]

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
	big = [r for r in records if r["tensors"] == largeLabel]
	small = [r for r in records if r["tensors"] == smallLabel]
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
