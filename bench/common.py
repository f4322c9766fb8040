"""Shared benchmark helpers: timing by median of repeats, the machine's streaming limit, table and JSON output."""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

# numpy and the framework are imported inside the functions that use them: bench/nets.py parses its arguments
# (addBackendArguments) before it sets the thread variables that numpy's BLAS reads when it loads.


def addBackendArguments(parser):
	"""--backend cpu|cuda (default: FRAMEWORK_BACKEND's choice) and --quick (tiny sizes and repeats: a dry run)."""
	parser.add_argument("--backend", choices=["cpu", "cuda"], default=None,
		help="the framework's backend (default: what FRAMEWORK_BACKEND selects)")
	parser.add_argument("--quick", action="store_true", help="tiny sizes and repeats, to check the script in seconds")


def addWorkerArguments(parser, repeats, warmup):
	"""The options of a script that times our side and torch's in alternating worker processes."""
	parser.add_argument("--rounds", type=int, default=5)
	parser.add_argument("--repeats", type=int, default=repeats)
	parser.add_argument("--warmup", type=int, default=warmup)
	parser.add_argument("--threads", type=int, default=None)
	parser.add_argument("--passive", action="store_true", help="OMP_WAIT_POLICY=passive for both sides")
	parser.add_argument("--worker", choices=["ours", "torch"], help=argparse.SUPPRESS)


def runWorker(script, side, args):
	"""Runs `script --worker side` with the same repeats, warm-up and thread options; returns its last JSON line."""
	command = [sys.executable, os.path.abspath(script), "--worker", side, "--repeats", str(args.repeats),
		"--warmup", str(args.warmup)] + (["--threads", str(args.threads)] if args.threads is not None else []) + (
		["--passive"] if args.passive else [])
	out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
	return json.loads(out.strip().splitlines()[-1])


def applyThreadEnvironment(args):
	"""--threads and --passive as the environment both sides' thread pools read when they load (before numpy)."""
	if args.threads is not None:
		for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
			os.environ[var] = str(args.threads)
	if args.passive:
		os.environ["OMP_WAIT_POLICY"] = "passive"


def selectBackend(name):
	"""Config.setBackend(name) before the first array (None: FRAMEWORK_BACKEND's choice); returns the backend.

	The choice is also exported as FRAMEWORK_BACKEND, so worker processes the script starts use the same backend.
	"""
	from framework import Config
	if name is not None:
		Config.setBackend(name)
	backend = Config.getBackend()
	os.environ["FRAMEWORK_BACKEND"] = backend
	return backend


def torchDevice(backend):
	"""The torch device that matches our backend: both sides of a comparison run on the same hardware."""
	return "cuda" if backend == "cuda" else "cpu"


def synchronizeAll(torch=None, device="cpu"):
	"""Waits for our device work and, on a CUDA device, for torch's: a clock read after it sees the work done."""
	from framework.Backend import gpuarray
	gpuarray.synchronize()
	if torch is not None and device == "cuda":
		torch.cuda.synchronize()


def timeRounds(fns, rounds, inner, synchronize):
	"""Median seconds per call of each fn, timed in alternating rounds (load from other processes falls on all alike).

	Each sample is `inner` back-to-back calls then one synchronize, divided by inner: a step shorter than a
	millisecond on a GPU is not dominated by the cost of the synchronize. Two warm-up calls each (kernels compile).
	"""
	for fn in fns:
		fn()
		fn()
	synchronize()
	samples = [[] for _ in fns]
	for _ in range(rounds):
		for fn, times in zip(fns, samples):
			start = time.perf_counter()
			for _ in range(inner):
				fn()
			synchronize()
			times.append((time.perf_counter() - start) / inner)
	return [statistics.median(times) for times in samples]


def timeit(fn, repeats=7, warmup=2):
	"""Median wall time of fn() in seconds (device work is synchronized before each clock read)."""
	from framework.Backend import gpuarray
	for _ in range(warmup):
		fn()
	gpuarray.synchronize()

	times = []
	for _ in range(repeats):
		start = time.perf_counter()
		fn()
		gpuarray.synchronize()
		times.append(time.perf_counter() - start)
	return statistics.median(times)


def streamingLimit(size=64 * 2 ** 20, repeats=7):
	"""In-place streaming bandwidth in GB/s: numpy.add(a, b, out=a) moves 3 x nbytes (read a, read b, write a).

	A plain copy would understate the limit: it pays an extra read for every write it does.
	"""
	import numpy as np
	a, b = np.ones(size, np.float32), np.ones(size, np.float32)
	seconds = timeit(lambda: np.add(a, b, out=a), repeats=repeats)
	return 3 * a.nbytes / seconds / 1e9


def machine():
	import numpy as np
	cpu = platform.processor() or platform.machine()
	try:
		with open("/proc/cpuinfo") as f:
			cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
	except OSError:
		pass
	return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__}


def printTable(headers, rows):
	widths = [max(len(str(h)), *(len(str(r[k])) for r in rows)) for k, h in enumerate(headers)]
	line = "  ".join("%-*s" % (w, h) for w, h in zip(widths, headers))
	print(line)
	print("-" * len(line))
	for row in rows:
		print("  ".join("%-*s" % (w, c) for w, c in zip(widths, row)))


def writeJson(path, payload):
	os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
	payload = dict(payload, machine=machine(), date=time.strftime("%Y-%m-%d %H:%M:%S"))
	tmp = path + ".tmp"
	with open(tmp, "w") as f:
		json.dump(payload, f, indent=2)
	os.replace(tmp, path)
	print("wrote %s" % path)
