"""Shared benchmark helpers: timing by median of repeats, the machine's streaming limit, table and JSON output."""
import json
import os
import platform
import statistics
import time

import numpy as np

from framework.Backend import gpuarray


def timeit(fn, repeats=7, warmup=2):
	"""Median wall time of fn() in seconds (device work is synchronized before each clock read)."""
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
	a, b = np.ones(size, np.float32), np.ones(size, np.float32)
	seconds = timeit(lambda: np.add(a, b, out=a), repeats=repeats)
	return 3 * a.nbytes / seconds / 1e9


def machine():
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
