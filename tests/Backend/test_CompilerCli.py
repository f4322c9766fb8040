"""First-run kernel compiles as the command line shows them: one notice, and no compile time in the figures."""
import os
import subprocess
import sys

import pytest

from framework.Backend import Compilation

NOTICE = "compiling kernels (first run only)"


def train(cacheDir, out, *extra):
	env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), FRAMEWORK_CACHE_DIR=str(cacheDir), FRAMEWORK_BACKEND="cpu")
	result = subprocess.run([sys.executable, "-m", "framework", "train", "--epochs", "2", "--subset", "64", "--out", str(out)]
		+ list(extra), capture_output=True, text=True, env=env)
	assert result.returncode == 0, result.stderr
	return result.stdout


def test_firstRunAnnouncesCompilingOnce(tmp_path):
	first = train(tmp_path / "kernels", tmp_path / "out")
	assert first.count(NOTICE) == 1
	assert first.index(NOTICE) < first.index("epoch   1")

	second = train(tmp_path / "kernels", tmp_path / "out2")  # every kernel is cached now
	assert NOTICE not in second


def test_epochSecondsLeaveCompileTimeOut(monkeypatch, tmp_path):
	from framework.Cli import Parser, Train

	args = Parser.buildParser().parse_args(["train", "--epochs", "1", "--subset", "64", "--out", str(tmp_path)])
	session = Train.Run(args, args.optimizer, {})
	trained = session.trainer.trainFromHost
	COMPILE, realCompile = 100.0, []

	def trainWithSlowCompile(*a, **kw):
		# as if the epoch had compiled kernels for 100 s: the trainer's clock and the compile clock both see it
		before = Compilation.compileSeconds()
		trained(*a, **kw)
		realCompile.append(Compilation.compileSeconds() - before)  # a cold cache compiles for real too
		session.trainer.history[-1]["seconds"] += COMPILE
		monkeypatch.setattr(Compilation, "_seconds", Compilation._seconds + COMPILE)

	monkeypatch.setattr(session.trainer, "trainFromHost", trainWithSlowCompile)
	row = session.epoch()
	measured = session.trainer.history[-1]["seconds"]
	assert row["seconds"] == pytest.approx(measured - COMPILE - realCompile[0])
	assert row["seconds"] < COMPILE
