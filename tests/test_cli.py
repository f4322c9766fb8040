"""`python -m framework`: train, compare and trajectory end to end at a tiny size, and one-line errors for bad input."""
import csv
import subprocess
import sys

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
	(["train", "--opt", "learnRate=-1"], "bad hyperparameter for RMSProp: RMSProp: learnRate must lie in"),
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
