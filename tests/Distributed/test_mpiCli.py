"""`mpiexec -n N python -m framework train|compare`: data-parallel from the command line, output from rank 0 alone."""
import csv
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.Distributed.mpirun import ROOT, childEnv, requireMpi, runMpi

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")

TINY = ["--subset", "150", "--batch-size", "32", "--no-progress", "--epochs", "2"]


def readCsv(path):
	with open(path, newline="") as f:
		return list(csv.DictReader(f))


def framework(command, ranks=1, env=None):
	launch = [requireMpi(), "-n", str(ranks)] if ranks > 1 else []
	result = subprocess.run(launch + [sys.executable, "-m", "framework"] + command, cwd=str(ROOT),
		env=childEnv(**(env or {})), capture_output=True, text=True, timeout=240)
	return result


def test_train_on_two_processes_equals_one(tmp_path):
	# SGD: RMSProp's first steps go by the sign of each gradient element, so float32 rounding differences in elements
	# near zero would grow into visibly different runs (the optimizer tests compare every optimizer at their tolerances)
	command = ["train", "--optimizer", "SGD"] + TINY
	one = framework(command + ["--out", str(tmp_path / "one")])
	two = framework(command + ["--out", str(tmp_path / "two")], ranks=2)
	assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr

	header = [line for line in two.stdout.splitlines() if line.startswith("training ")]
	assert len(header) == 1 and header[0].endswith("data-parallel on 2 processes")  # printed by rank 0 alone
	assert two.stdout.count("test accuracy:") == 1

	rows1, rows2 = readCsv(tmp_path / "one" / "history.csv"), readCsv(tmp_path / "two" / "history.csv")
	for column in ("train_loss", "train_acc", "test_loss", "test_acc"):
		np.testing.assert_allclose([float(r[column]) for r in rows2], [float(r[column]) for r in rows1], rtol=1e-4, err_msg=column)
	assert (tmp_path / "two" / "checkpoint.h5").exists() and (tmp_path / "two" / "training.png").exists()


def test_compare_on_three_processes(tmp_path):
	result = framework(["compare", "--optimizers", "SGD,Adam", "--out", str(tmp_path)] + TINY, ranks=3)
	assert result.returncode == 0, result.stderr
	assert result.stdout.count("comparing SGD, Adam") == 1 and "data-parallel on 3 processes" in result.stdout
	assert [row["optimizer"] for row in readCsv(tmp_path / "compare.csv")] == ["SGD", "Adam"]


@pytest.mark.parametrize("rank", [0, 1])
def test_several_processes_without_mpi4py_is_one_line(rank, tmp_path):
	# What a launcher exports, with an mpi4py that cannot be imported
	blocked = tmp_path / "blocked" / "mpi4py"
	blocked.mkdir(parents=True)
	(blocked / "__init__.py").write_text("raise ImportError('mpi4py is not installed')\n")
	env = {"PMI_SIZE": "2", "PMI_RANK": str(rank), "PYTHONPATH": "%s:%s" % (tmp_path / "blocked", ROOT)}
	result = subprocess.run([sys.executable, "-m", "framework", "train", "--out", str(tmp_path / "out")] + TINY,
		cwd=str(ROOT), env=childEnv(**env), capture_output=True, text=True, timeout=120)

	assert result.returncode == 2 and result.stdout == ""
	if rank == 0:
		assert result.stderr.count("\n") == 1, result.stderr
		assert 'launched as 2 processes, but data-parallel training needs mpi4py' in result.stderr
		assert 'pip install -e ".[mpi]"' in result.stderr
	else:
		assert result.stderr == ""  # rank 0 says it, once


def test_an_error_on_one_rank_ends_the_job(tmp_path):
	start = time.monotonic()
	result = runMpi(2, "clierror.py", timeout=30)  # a hang raises TimeoutExpired and fails the test
	assert time.monotonic() - start < 30
	assert result.returncode != 0 and "finished" not in result.stdout
	assert "framework train: rank 1: error: no checkpoint on this rank" in result.stderr
