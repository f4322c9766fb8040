"""The default `python -m framework train` on a quiet machine and beside one busy process, per thread setting.

A parallel kernel waits for its slowest thread; beside a busy process one of our threads shares a core, and an idle
OpenMP thread that spins instead of sleeping takes the core the others need. Settings compared:
  default   what the framework does now: every core, idle threads wait passively (OMP_WAIT_POLICY=passive)
  spinning  every core, idle threads spin first as libgomp does by default (GOMP_SPINCOUNT=300000): the old default
  threads=1 --threads 1
The busy process is a Python loop, not pinned (the scheduler places it). Figures are the training seconds the CLI
prints (compile and data loading excluded); "ratio" is busy / quiet, the target for the default is at most 2.

    python bench/load.py [--epochs 10] [--rounds 2] [--json bench/results/load.json]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import printTable, writeJson  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTINGS = [
	("default", {}, []),
	("spinning", {"GOMP_SPINCOUNT": "300000"}, []),
	("threads=1", {}, ["--threads", "1"]),
]
BUSY = "while True: pass"


def train(epochs, env, extra):
	"""Training seconds of one default train run, as the CLI reports them."""
	env = dict(os.environ, FRAMEWORK_BACKEND="cpu", PYTHONPATH=ROOT, **env)
	for name in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS", "FRAMEWORK_NUM_THREADS"):
		env.pop(name, None)  # each setting states its own
	with tempfile.TemporaryDirectory() as out:
		result = subprocess.run([sys.executable, "-m", "framework", "train", "--epochs", str(epochs), "--out", out] + extra,
			capture_output=True, text=True, env=env, cwd=ROOT, check=True)
	return float(re.search(r"\(([\d.]+)s training", result.stdout).group(1))


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--epochs", type=int, default=10)
	parser.add_argument("--rounds", type=int, default=2, help="runs per setting and condition (the minimum is kept)")
	parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "load.json"))
	args = parser.parse_args()

	train(1, {}, [])  # compiles whatever the cache lacks, outside the figures
	loadBefore = os.getloadavg()[0]
	times = {name: {"quiet": [], "busy": []} for name, _, _ in SETTINGS}
	for _ in range(args.rounds):  # conditions and settings interleaved, so drifting background load hits all alike
		for condition in ("quiet", "busy"):
			busy = subprocess.Popen([sys.executable, "-c", BUSY]) if condition == "busy" else None
			try:
				for name, env, extra in SETTINGS:
					times[name][condition].append(train(args.epochs, env, extra))
			finally:
				if busy is not None:
					busy.kill()
					busy.wait()

	rows, results = [], {}
	for name, _, _ in SETTINGS:
		quiet, busy = min(times[name]["quiet"]), min(times[name]["busy"])
		rows.append([name, "%.2f" % quiet, "%.2f" % busy, "%.2f" % (busy / quiet)])
		results[name] = {"quiet": times[name]["quiet"], "busy": times[name]["busy"], "ratio": busy / quiet}

	print("train --epochs %d, training seconds (best of %d); %d cores, load average %.2f before, %.2f after" % (
		args.epochs, args.rounds, os.cpu_count(), loadBefore, os.getloadavg()[0]))
	printTable(["setting", "quiet, s", "beside 1 busy process, s", "ratio"], rows)
	writeJson(args.json, {"epochs": args.epochs, "rounds": args.rounds, "cores": os.cpu_count(),
		"loadAverage": [loadBefore, os.getloadavg()[0]], "settings": results})


if __name__ == "__main__":
	main()
