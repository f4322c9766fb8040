"""`python -m framework`: train, compare and trajectory end to end at a tiny size, and one-line errors for bad input."""
import ast
import csv
import os
import pathlib
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pytest

from framework.__main__ import main

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")

PNG = b"\x89PNG\r\n\x1a\n"
TINY = ["--subset", "120", "--batch-size", "32", "--no-progress"]


def readCsv(path):
	with open(path, newline="") as f:
		return list(csv.DictReader(f))


def checkpointWeights(path):
	with h5py.File(path, "r") as f:
		return {name: f["net/vars"][name][()] for name in f["net/vars"]}


def test_trainWritesCheckpointHistoryAndPlot(tmp_path, capsys):
	assert main(["train", "--epochs", "2", "--out", str(tmp_path)] + TINY) == 0
	out = capsys.readouterr().out
	assert "training mlp" in out and "test accuracy:" in out

	rows = readCsv(tmp_path / "history.csv")
	assert [row["epoch"] for row in rows] == ["1", "2"]
	assert 0.0 <= float(rows[-1]["test_acc"]) <= 1.0 and float(rows[-1]["train_loss"]) > 0.0
	assert (tmp_path / "training.png").read_bytes()[:8] == PNG
	with h5py.File(tmp_path / "checkpoint.h5", "r") as f:
		assert f.attrs["epoch"] == 2 and "net" in f and "optimizer" in f and "schedule" in f


def test_trainCnn(tmp_path, capsys):
	assert main(["train", "--net", "cnn", "--epochs", "1", "--subset", "64", "--no-progress", "--out", str(tmp_path)]) == 0
	assert "training cnn" in capsys.readouterr().out
	with h5py.File(tmp_path / "checkpoint.h5", "r") as f:
		assert any(value.ndim == 4 for value in (f["net/vars"][name] for name in f["net/vars"]))  # conv kernels


def test_resumeContinuesTheSameRun(tmp_path, capsys):
	# The exponential schedule does not depend on --epochs, so 2 epochs are a prefix of 3
	straight, resumed, tiny = tmp_path / "straight", tmp_path / "resumed", TINY + ["--schedule", "exponential"]
	assert main(["train", "--epochs", "3", "--out", str(straight)] + tiny) == 0
	assert main(["train", "--epochs", "2", "--out", str(resumed)] + tiny) == 0
	assert main(["train", "--epochs", "3", "--resume", "--out", str(resumed)] + tiny) == 0
	assert "resumed from" in capsys.readouterr().out

	a, b = checkpointWeights(straight / "checkpoint.h5"), checkpointWeights(resumed / "checkpoint.h5")
	assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)

	drop = lambda rows: [{k: v for k, v in row.items() if k != "seconds"} for row in rows]
	assert drop(readCsv(straight / "history.csv")) == drop(readCsv(resumed / "history.csv"))


def test_resumeExtendsTheRunAndStretchesTheSchedule(tmp_path, capsys):
	# The documented `train --resume --epochs 40`: the cosine schedule becomes the one for the new length, continued
	assert main(["train", "--epochs", "2", "--out", str(tmp_path)] + TINY) == 0
	first = readCsv(tmp_path / "history.csv")
	assert main(["train", "--epochs", "3", "--resume", "--out", str(tmp_path)] + TINY) == 0
	assert "resumed from" in capsys.readouterr().out

	rows = readCsv(tmp_path / "history.csv")
	assert [row["epoch"] for row in rows] == ["1", "2", "3"] and rows[:2] == first
	base = float(rows[0]["learn_rate"])
	assert float(rows[2]["learn_rate"]) == pytest.approx(base * (1 + np.cos(np.pi * 2 / 3)) / 2)
	with h5py.File(tmp_path / "checkpoint.h5", "r") as f:
		assert f.attrs["epoch"] == 3 and f["schedule"].attrs["t"] == 3


@pytest.mark.parametrize("extra, named", [
	(["--opt", "learnRate=0.1"], "--opt learnRate=0.1"), (["--seed", "5"], "--seed 5"),
	(["--optimizer", "Adam"], "--optimizer Adam"), (["--schedule", "step"], "--schedule step"),
	(["--batch-size", "16"], "--batch-size 16"),
], ids=["opt", "seed", "optimizer", "schedule", "batch-size"])
def test_resumeRefusesChangedOptions(tmp_path, capsys, extra, named):
	assert main(["train", "--epochs", "1", "--out", str(tmp_path)] + TINY) == 0
	before = (tmp_path / "checkpoint.h5").read_bytes()
	capsys.readouterr()
	assert main(["train", "--epochs", "2", "--resume", "--out", str(tmp_path)] + TINY + extra) == 2
	err = capsys.readouterr().err
	assert err.count("\n") == 1 and "--resume" in err and named in err and "only --epochs may change" in err
	assert (tmp_path / "checkpoint.h5").read_bytes() == before


def test_predictRunsATrainedCheckpointOnNewData(tmp_path, capsys):
	from framework.Datasets import loadDigits
	from framework.Handlers import Calculator, loadCheckpoint
	from framework.Models import buildNet

	assert main(["train", "--epochs", "2", "--out", str(tmp_path)] + TINY) == 0
	x = loadDigits()[2][:25]
	np.save(tmp_path / "x.npy", x.reshape(25, 8, 8))  # images: predict flattens them for the mlp
	np.savetxt(tmp_path / "x.csv", x[:3], delimiter=",")
	capsys.readouterr()

	net = buildNet("mlp", (64, ))
	loadCheckpoint(tmp_path / "checkpoint.h5", net)
	expected = Calculator(net).calcFromHost(x).argmax(axis=1)

	checkpoint = str(tmp_path / "checkpoint.h5")
	assert main(["predict", "--checkpoint", checkpoint, "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y.npy")]) == 0
	assert capsys.readouterr().out.split() == [str(c) for c in expected]
	assert np.array_equal(np.load(tmp_path / "y.npy"), expected)

	assert main(["predict", "--checkpoint", checkpoint, "--input", str(tmp_path / "x.csv"), "--output", str(tmp_path / "y.csv")]) == 0
	assert capsys.readouterr().out.split() == [str(c) for c in expected[:3]]
	assert np.loadtxt(tmp_path / "y.csv", dtype=int).tolist() == expected[:3].tolist()


@pytest.mark.parametrize("content, message", [
	(np.zeros((4, 10)), "the net takes samples of shape (64,)"),
	(np.full((2, 64), np.nan), "NaN or infinite"),
], ids=["shape", "nan"])
def test_predictBadInputIsOneLine(tmp_path, capsys, content, message):
	assert main(["train", "--epochs", "1", "--out", str(tmp_path)] + TINY) == 0
	np.save(tmp_path / "x.npy", content)
	capsys.readouterr()
	assert main(["predict", "--checkpoint", str(tmp_path / "checkpoint.h5"), "--input", str(tmp_path / "x.npy")]) == 2
	err = capsys.readouterr().err
	assert err.count("\n") == 1 and message in err


def test_optimizerHyperparametersFromTheCommandLine(tmp_path, capsys):
	args = ["train", "--epochs", "1", "--optimizer", "Rprop", "--opt", "variant=iRprop+", "--opt", "learnRate=0.002",
		"--schedule", "none", "--no-global-state", "--out", str(tmp_path)]
	assert main(args + TINY) == 0
	assert "Rprop(learnRate=0.002" in capsys.readouterr().out


def test_compareTableAndPlot(tmp_path, capsys):
	args = ["compare", "--optimizers", "SGD,Adam,Rprop", "--epochs", "2", "--opt", "Adam.learnRate=0.003", "--out", str(tmp_path)]
	assert main(args + TINY) == 0
	out = capsys.readouterr().out
	assert "optimizer" in out and "test acc" in out

	rows = readCsv(tmp_path / "compare.csv")
	assert [row["optimizer"] for row in rows] == ["SGD", "Adam", "Rprop"]
	assert float(rows[1]["learn_rate"]) == 0.003
	assert (tmp_path / "compare.png").read_bytes()[:8] == PNG


def test_compareStartsEveryOptimizerFromTheSameWeights(tmp_path, capsys):
	# SGD with learnRate 0 never moves, so both runs must report the loss of the same initial net
	args = ["compare", "--optimizers", "SGD,Adam", "--opt", "SGD.learnRate=0", "--opt", "Adam.learnRate=0", "--epochs", "1"]
	assert main(args + ["--out", str(tmp_path)] + TINY) == 0
	rows = readCsv(tmp_path / "compare.csv")
	assert rows[0]["test_loss"] == rows[1]["test_loss"]


def test_trajectoryPlot(tmp_path, capsys):
	assert main(["trajectory", "--steps", "20", "--optimizers", "SGD,RMSProp,Rprop", "--out", str(tmp_path)]) == 0
	out = capsys.readouterr().out
	assert out.count("rosenbrock") == 3 and (tmp_path / "trajectory.png").read_bytes()[:8] == PNG

	finals = {line.split()[1]: float(line.split()[-1]) for line in out.splitlines() if line.startswith("quadratic")}
	assert all(value < 20.8 for value in finals.values())  # every optimizer went downhill from f(-5, -2) = 10.5


@pytest.mark.parametrize("argv, message", [
	(["train", "--optimizer", "Nope"], "unknown optimizer 'Nope'; choose one of"),
	(["train", "--opt", "momRate=0.9"], "RMSProp has no hyperparameter 'momRate'; it takes learnRate"),
	(["train", "--opt", "learnRate=-1"], "error: RMSProp: learnRate must lie in"),
	(["train", "--opt", "novalue"], "--opt expects key=value, got 'novalue'"),
	(["train", "--dataset", "mnist"], "--dataset mnist needs --data-dir DIR"),
	(["train", "--dataset", "mnist", "--data-dir", "/nonexistent/mnist"], "--data-dir '/nonexistent/mnist' is not a directory"),
	(["train", "--resume", "--out", "{tmp}/empty"], "--resume: no checkpoint at"),
	(["compare", "--optimizers", "SGD,Foo"], "unknown optimizer 'Foo'"),
	(["trajectory", "--functions", "himmelblau"], "unknown test function 'himmelblau'"),
	(["train", "--epochs", "0"], "argument --epochs: expected a positive integer"),
	(["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_badArgumentsGiveOneLine(tmp_path, capsys, argv, message):
	argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv] + ["--no-progress"] * (argv[0] in ("train", "compare"))
	with pytest.raises(SystemExit) as exit_:
		sys.exit(main(argv))
	assert exit_.value.code == 2

	err = capsys.readouterr().err
	assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_mnistDirectoryMissingFiles(tmp_path, capsys):
	assert main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--no-progress"]) == 2
	err = capsys.readouterr().err
	assert "train-images-idx3-ubyte[.gz]" in err and err.count("\n") == 1


def test_moduleEntryPoint(tmp_path):
	result = subprocess.run([sys.executable, "-m", "framework", "train", "--optimizer", "Nope"], capture_output=True, text=True)
	assert result.returncode == 2 and result.stderr.startswith("framework train: error: unknown optimizer")
	assert "Traceback" not in result.stderr


# --- non-finite losses --------------------------------------------------------------------------------------

def test_nonFiniteLossStopsTrainingAndKeepsTheLastGoodCheckpoint(tmp_path, capsys):
	assert main(["train", "--epochs", "1", "--optimizer", "SGD", "--out", str(tmp_path)] + TINY) == 0
	good = checkpointWeights(tmp_path / "checkpoint.h5")
	capsys.readouterr()

	status = main(["train", "--epochs", "3", "--optimizer", "SGD", "--opt", "learnRate=1e6", "--out", str(tmp_path)] + TINY)
	captured = capsys.readouterr()
	assert status == 1
	assert captured.err.count("\n") == 1 and "non-finite training loss" in captured.err and "epoch 1" in captured.err
	assert "loss nan" not in captured.out and "test accuracy:" not in captured.out

	kept = checkpointWeights(tmp_path / "checkpoint.h5")
	assert kept.keys() == good.keys() and all(np.array_equal(kept[k], good[k]) for k in kept)
	assert all(np.all(np.isfinite(value)) for value in kept.values())


def test_compareReportsTheOptimizerThatDivergedAndFinishesTheOthers(tmp_path, capsys):
	args = ["compare", "--optimizers", "SGD,Adam", "--opt", "SGD.learnRate=1e6", "--epochs", "2", "--out", str(tmp_path)]
	assert main(args + TINY) == 1
	captured = capsys.readouterr()
	assert captured.err.count("\n") == 1 and "SGD" in captured.err and "non-finite training loss at epoch 1" in captured.err

	rows = readCsv(tmp_path / "compare.csv")
	assert [row["optimizer"] for row in rows] == ["SGD", "Adam"]
	assert rows[0]["diverged_at"] == "1" and rows[1]["diverged_at"] == ""
	assert np.isfinite(float(rows[1]["test_loss"])) and (tmp_path / "compare.png").read_bytes()[:8] == PNG


# --- never a traceback ----------------------------------------------------------------------------------------

def _outProblems(tmp_path):
	aFile = tmp_path / "file"
	aFile.write_text("not a directory")
	yield str(aFile), "is a file"
	yield str(aFile / "sub"), "is a file"
	if sys.platform.startswith("linux"):
		yield "/proc/self", "cannot write"     # exists but refuses new files, even for root
		yield "/sys/framework-out", "cannot create"


@pytest.mark.parametrize("command", ["train", "compare", "trajectory"])
def test_unusableOutDirectoryIsRefusedBeforeTraining(tmp_path, capsys, command):
	extra = TINY if command != "trajectory" else ["--steps", "2"]
	for out, message in _outProblems(tmp_path):
		assert main([command, "--out", out, "--epochs", "1"][:3 + 2 * (command != "trajectory")] + extra) == 2, out
		captured = capsys.readouterr()
		assert captured.err.count("\n") == 1 and "--out" in captured.err and message in captured.err, captured.err
		assert captured.out == "", "%s: work started before the output directory was checked" % out


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only directories")
def test_readOnlyOutDirectoryIsRefusedBeforeTraining(tmp_path, capsys):
	locked = tmp_path / "locked"
	locked.mkdir()
	locked.chmod(0o500)
	try:
		assert main(["train", "--epochs", "1", "--out", str(locked / "run")] + TINY) == 2
	finally:
		locked.chmod(0o700)
	captured = capsys.readouterr()
	assert "--out" in captured.err and captured.out == ""


def test_batchLargerThanTheDataIsClampedUpFront(tmp_path, capsys):
	assert main(["train", "--epochs", "1", "--batch-size", "10000000000", "--out", str(tmp_path)] + TINY[:2] + TINY[4:]) == 0
	out = capsys.readouterr().out
	assert "batch 120" in out and "full batch" in out
	assert [row["epoch"] for row in readCsv(tmp_path / "history.csv")] == ["1"]


# Runs the CLI in a fresh interpreter that interrupts itself (SIGINT, as Ctrl-C sends) at one chosen moment:
# deterministic, no sleeps, and it exercises the real signal handler.
_INTERRUPTER = textwrap.dedent("""
	import os, signal, subprocess, sys

	phase = sys.argv[1]
	sys.argv = ["framework"] + sys.argv[2:]

	def interrupt():
		os.kill(os.getpid(), signal.SIGINT)

	class ImportInterrupter:
		def find_spec(self, name, path=None, target=None):
			if name == "framework.Cli.Train":
				interrupt()
			return None

	if phase == "imports":
		sys.meta_path.insert(0, ImportInterrupter())
	elif phase == "data":
		import sklearn.datasets
		original = sklearn.datasets.load_digits
		def loadDigits(*args, **kwargs):
			interrupt()
			return original(*args, **kwargs)
		sklearn.datasets.load_digits = loadDigits
	elif phase == "compile":
		originalRun = subprocess.run
		def run(command, *args, **kwargs):
			if isinstance(command, list) and "-o" in command:
				interrupt()
			return originalRun(command, *args, **kwargs)
		subprocess.run = run

	import runpy
	runpy.run_module("framework", run_name="__main__", alter_sys=True)
""")


@pytest.mark.parametrize("phase", ["imports", "data", "compile"])
def test_interruptInTheFirstMomentsIsOneLine(tmp_path, phase):
	script = tmp_path / "interrupter.py"
	script.write_text(_INTERRUPTER)
	root = pathlib.Path(__file__).resolve().parent.parent
	env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
		FRAMEWORK_CACHE_DIR=str(tmp_path / "cache"), FRAMEWORK_BACKEND="cpu")
	argv = [sys.executable, str(script), phase, "train", "--epochs", "1", "--out", str(tmp_path / "out")] + TINY
	result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
	assert result.returncode == 130, result.stderr
	# Notices (such as one about compiling kernels) may come first; the interruption is the one last line
	assert "Traceback" not in result.stderr and result.stderr.endswith("framework train: interrupted\n"), result.stderr
	assert result.stderr.splitlines()[-1] == "framework train: interrupted", result.stderr


def test_interruptedTrainingStillWritesHistoryAndPlot(tmp_path, capsys, monkeypatch):
	from framework.Cli import Train

	original, calls = Train.Run.epoch, []

	def epoch(self):
		calls.append(1)
		if len(calls) == 3:
			raise KeyboardInterrupt
		return original(self)

	monkeypatch.setattr(Train.Run, "epoch", epoch)
	assert main(["train", "--epochs", "5", "--out", str(tmp_path)] + TINY) == 130
	assert [row["epoch"] for row in readCsv(tmp_path / "history.csv")] == ["1", "2"]
	assert (tmp_path / "training.png").read_bytes()[:8] == PNG
	assert "interrupted" in capsys.readouterr().err


# --- small things ---------------------------------------------------------------------------------------------

def test_oneEpochAndNoScheduleReadNaturally(tmp_path, capsys):
	assert main(["train", "--epochs", "1", "--schedule", "none", "--out", str(tmp_path)] + TINY) == 0
	out = capsys.readouterr().out
	assert "1 epochs" not in out and "1 epoch," in out
	assert "none schedule" not in out and "no schedule" in out


@pytest.mark.parametrize("argv, suggestion", [
	(["train", "--optimizer", "rmsprop"], "did you mean 'RMSProp'?"),
	(["train", "--optimizer", "Adma"], "did you mean 'Adam'?"),
	(["train", "--net", "MLP"], "did you mean 'mlp'?"),
	(["train", "--dataset", "Digits"], "did you mean 'digits'?"),
	(["train", "--schedule", "Cosine"], "did you mean 'cosine'?"),
	(["compare", "--optimizers", "SGD,adam"], "did you mean 'Adam'?"),
	(["trajectory", "--functions", "Rosenbrock"], "did you mean 'rosenbrock'?"),
])
def test_misspelledNamesGetASuggestion(capsys, argv, suggestion):
	with pytest.raises(SystemExit) as exit_:
		sys.exit(main(argv + ["--no-progress"] * (argv[0] != "trajectory")))
	assert exit_.value.code == 2
	err = capsys.readouterr().err
	assert err.count("\n") == 1 and suggestion in err


def test_readmeDoesNotSuggestFullBatchRpropVariantsForMiniBatches():
	readme = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
	for line in readme.splitlines():
		if "variant=iRprop+" in line or "variant=Rprop+" in line:
			assert "batch" in line.lower(), "README suggests a full-batch Rprop variant without saying so: %s" % line


# --- the package's structure --------------------------------------------------------------------------------

CLI = pathlib.Path(__file__).resolve().parent.parent / "framework" / "Cli"


def _cliImports():
	"""{module: [(imported framework module, nested in a function, commented)]} for framework/Cli and __main__."""
	found = {}
	for path in sorted(CLI.glob("*.py")) + [CLI.parent / "__main__.py"]:
		module = "framework." + ("Cli." + path.stem if path.parent == CLI else "__main__")
		lines = path.read_text(encoding="utf-8").splitlines()
		tree = ast.parse("\n".join(lines))
		nested = {id(node) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
			for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))}
		entries = []
		for node in ast.walk(tree):
			if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("framework"):
				targets = [node.module + "." + alias.name for alias in node.names] + [node.module]
			elif isinstance(node, ast.Import):
				targets = [alias.name for alias in node.names if alias.name.startswith("framework")]
			else:
				continue
			# A comment on the line, or above the run of import lines it belongs to
			k = node.lineno - 1
			while k > 0 and lines[k - 1].strip().startswith(("import ", "from ")):
				k -= 1
			commented = "#" in lines[node.lineno - 1] or (k > 0 and lines[k - 1].strip().startswith("#"))
			entries.extend((target, id(node) in nested, commented) for target in targets)
		found[module] = entries
	return found


def test_cliHasNoImportCycles():
	imports = _cliImports()
	graph = {module: {t for t, _, _ in entries if t in imports} for module, entries in imports.items()}

	def reach(start):
		seen, todo = set(), list(graph[start])
		while todo:
			node = todo.pop()
			if node not in seen:
				seen.add(node)
				todo.extend(graph[node])
		return seen

	cycles = sorted(module for module in graph if module in reach(module))
	assert not cycles, "framework/Cli modules that import themselves through others: %s" % cycles


def test_cliImportsInsideFunctionsSayWhy():
	hidden = sorted({"%s imports %s" % (module, target) for module, entries in _cliImports().items()
		for target, nested, commented in entries if nested and not commented})
	assert not hidden, "imports inside functions without a comment saying why: %s" % hidden


# --- plots --------------------------------------------------------------------------------------------------------

def _history(epochs):
	return [{"epoch": e, "train_loss": 1.0 / e, "test_loss": 1.2 / e, "train_acc": 0.5, "test_acc": 0.4,
		"learn_rate": 1e-3 * (epochs - e + 1) / epochs, "seconds": 0.1} for e in range(1, epochs + 1)]


def _visibleTicks(ax):
	low, high = ax.get_xlim()
	return [t for t in ax.get_xticks() if low <= t <= high]


@pytest.mark.parametrize("epochs", [1, 2, 7, 30])
def test_trainingPlotHasWholeEpochTicksMarkersAndALearningRatePanel(epochs):
	from framework.Cli import Plot

	fig = Plot.trainingFigure(_history(epochs), "title")
	try:
		lrAxes = [ax for ax in fig.axes if "learnRate" in ax.get_ylabel()]
		assert len(lrAxes) == 1
		assert [list(line.get_ydata()) for line in lrAxes[0].get_lines()] == [[row["learn_rate"] for row in _history(epochs)]]
		for ax in fig.axes:
			ticks = _visibleTicks(ax)
			assert ticks and all(float(t).is_integer() for t in ticks), ticks
			low, high = ax.get_xlim()
			assert low < 1 and high > epochs
			if epochs <= 10:
				assert all(line.get_marker() not in (None, "None", "") and line.get_markersize() > 0 for line in ax.get_lines())
	finally:
		Plot.pyplot().close(fig)


def test_comparisonPlotOfOneEpochShowsMarkersAndSkipsAnOptimizerWithoutEpochs():
	from framework.Cli import Plot

	fig = Plot.comparisonFigure({"SGD": _history(1), "Adam": _history(1), "Broken": []}, "title")
	try:
		ax, = fig.axes
		assert [line.get_label() for line in ax.get_lines()] == ["SGD", "Adam"]
		assert all(line.get_marker() not in (None, "None", "") and line.get_markersize() > 0 for line in ax.get_lines())
		assert all(float(t).is_integer() for t in _visibleTicks(ax))
	finally:
		Plot.pyplot().close(fig)


def test_trajectoryPlotMarksStartAndEndClipsToTheWindowAndTitlesTheFormula():
	from framework.Cli import Plot
	from framework.Cli.Functions import FUNCTIONS

	fn = FUNCTIONS["quadratic"]
	runaway = np.array([fn.start, (0.0, 0.0), (100.0, -100.0)])      # leaves the window
	fig = Plot.trajectoryFigure([(fn, {"SGD": runaway, "Adam": np.array([fn.start, (-1.0, 0.5)])})])
	try:
		ax = fig.axes[0]
		assert ax.get_xlim() == fn.xlim and ax.get_ylim() == fn.ylim
		assert all(line.get_clip_on() for line in ax.get_lines())
		assert "$" in ax.get_title() and "x_1" in ax.get_title()

		points = {(float(line.get_xdata()[0]), float(line.get_ydata()[0])): line for line in ax.get_lines() if len(line.get_xdata()) == 1}
		assert tuple(fn.start) in points and points[tuple(fn.start)].get_marker() == "o"
		assert (100.0, -100.0) in points and (-1.0, 0.5) in points            # one end marker per path

		labels = [text.get_text() for legend in fig.legends for text in legend.get_texts()]
		assert {"SGD", "Adam", "start"} <= set(labels) and not ax.get_legend()  # one shared legend, outside the panels
	finally:
		Plot.pyplot().close(fig)
