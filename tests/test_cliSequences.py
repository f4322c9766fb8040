"""`python -m framework train` with recurrent nets: --net lstm (digits by rows or by pixels), --dataset text, clipping."""
import re
import sys

import h5py
import numpy as np
import pytest

from framework.__main__ import main
from framework.Cli.Parser import buildParser
from framework.Cli.Train import Run
from framework.Optimizers.Hooks import ClipGradNorm, ClipGradValue

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")

TINY = ["--subset", "64", "--batch-size", "32", "--no-progress", "--epochs", "1"]


def _weights(path):
	with h5py.File(path, "r") as f:
		return {name: f["net/vars"][name][()] for name in f["net/vars"]}


@pytest.mark.parametrize("extra, steps, features", [([], 8, 8), (["--pixels"], 64, 1)], ids=["rows", "pixels"])
def test_lstm_reads_the_digits_as_sequences(tmp_path, capsys, extra, steps, features):
	assert main(["train", "--net", "lstm", "--out", str(tmp_path)] + TINY + extra) == 0
	out = capsys.readouterr().out
	assert "training lstm" in out and "test accuracy:" in out
	weights = _weights(tmp_path / "checkpoint.h5")
	shapes = {name.split(".")[-1]: w.shape for name, w in weights.items()}
	assert shapes["weight_ih_l0"] == (4 * 128, features) and shapes["weight_hh_l0"] == (4 * 128, 128)


def _text(tmp_path):
	path = tmp_path / "tiny.txt"
	path.write_text("the cat sat on the mat. the dog sat on the log. " * 12, encoding="utf-8")
	return path


def test_text_language_model_reports_bits_per_character_and_a_sample(tmp_path, capsys):
	path = _text(tmp_path)
	argv = ["train", "--dataset", "text", "--data-file", str(path), "--hidden", "16", "--seq-length", "16",
		"--sample-length", "40", "--epochs", "3", "--batch-size", "8", "--no-progress", "--out", str(tmp_path / "out"),
		"--clip-norm", "5"]
	assert main(argv) == 0
	out = capsys.readouterr().out
	assert "training a character LSTM" in out
	bpc = [float(v) for v in re.findall(r"test ([\d.]+) bits/char", out)]
	assert len(bpc) == 3 and bpc[-1] < bpc[0], "three epochs on a repetitive text must lower the held-out bits"
	final = float(re.search(r"test bits per character: ([\d.]+)", out).group(1))
	assert 0 < final < np.log2(13)    # better than uniform over the 13 distinct characters
	sample = out.split("sample (primed with the first 16 held-out characters):\n")[1].split("\nwrote")[0]
	assert len(sample) == 16 + 40 and set(sample) <= set(path.read_text())
	assert (tmp_path / "out" / "text-model.h5").exists()


def test_builtin_text_is_the_default(tmp_path, capsys):
	argv = ["train", "--dataset", "text", "--hidden", "8", "--seq-length", "32", "--sample-length", "5", "--epochs", "1",
		"--subset", "400", "--no-progress", "--out", str(tmp_path)]
	assert main(argv) == 0
	assert "on lighthouse.txt" in capsys.readouterr().out


@pytest.mark.parametrize("flags, hooks", [
	([], []), (["--clip-value", "10"], [ClipGradValue]), (["--clip-norm", "1.5"], [ClipGradNorm]),
	(["--clip-value", "10", "--clip-norm", "1.5"], [ClipGradValue, ClipGradNorm]),
])
def test_clipping_options_add_hooks_to_any_optimizer(flags, hooks):
	for optimizer in ("RMSPropGraves", "Adam", "SGD"):
		args = buildParser().parse_args(["train", "--net", "lstm", "--subset", "32", "--optimizer", optimizer] + flags)
		session = Run(args, args.optimizer, {})
		assert [type(h) for h in session.optimizer.hooks] == hooks
	if ClipGradNorm in hooks:
		assert session.optimizer.hooks[-1].maxNorm == 1.5


@pytest.mark.parametrize("argv, message", [
	(["train", "--clip-norm", "0"], "argument --clip-norm: expected a positive finite number, got '0'"),
	(["train", "--clip-value", "abc"], "argument --clip-value: expected a number, got 'abc'"),
	(["train", "--dataset", "text", "--data-file", "/nonexistent/t.txt"], "Datasets.loadText: cannot read '/nonexistent/t.txt'"),
	(["train", "--dataset", "text", "--net", "cnn"], "--dataset text trains a character LSTM; --net cnn does not apply"),
	(["train", "--net", "lstm", "--dataset", "mnist", "--data-dir", "/tmp"], "--net lstm reads the built-in digits"),
	(["compare", "--dataset", "text"], "--dataset text works with the train command only"),
])
def test_bad_arguments_give_one_line(capsys, argv, message):
	with pytest.raises(SystemExit) as exit_:
		sys.exit(main(argv + ["--no-progress"]))
	assert exit_.value.code == 2
	err = capsys.readouterr().err
	assert err.count("\n") == 1 and message in err and "Traceback" not in err
