"""`python -m framework export`: the net `train` wrote, as ONNX, equal to loadNet's forward pass in ONNX Runtime."""
import sys

import numpy as np
import pytest

from framework.__main__ import main

TINY = ["--subset", "64", "--batch-size", "32", "--no-progress", "--epochs", "1"]


@pytest.mark.parametrize("kind", ["mlp", "cnn", "lstm"])
def test_exportWhatTrainWrote(kind, tmp_path, capsys, rng):
	pytest.importorskip("onnx")
	ort = pytest.importorskip("onnxruntime")
	from framework.Backend import gpuarray
	from framework.Handlers import readCheckpointInfo
	from framework.Models import loadNet

	assert main(["train", "--net", kind, "--out", str(tmp_path)] + TINY) == 0
	checkpoint, path = str(tmp_path / "checkpoint.h5"), str(tmp_path / "model.onnx")
	assert main(["export", "--checkpoint", checkpoint, "--onnx", path]) == 0
	assert "wrote %s" % path in capsys.readouterr().out

	net = loadNet(checkpoint)
	session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
	inshape = tuple(readCheckpointInfo(checkpoint)["meta"]["architecture"]["inshape"])
	for batch in (1, 7):
		x = rng.random((batch, ) + inshape, dtype=np.float32)
		np.testing.assert_allclose(session.run(None, {"input": x})[0], net(gpuarray.to_gpu(x)).get(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("argv, message", [
	(["export", "--checkpoint", "missing.h5", "--onnx", "m.onnx"], "--checkpoint: no such file 'missing.h5'"),
	(["export", "--onnx", "m.txt"], "--onnx: expected a file name ending in .onnx"),
	(["export"], "the following arguments are required: --onnx"),
])
def test_badInputIsOneLine(argv, message, tmp_path, capsys, monkeypatch):
	monkeypatch.chdir(tmp_path)
	with pytest.raises(SystemExit) as e:
		sys.exit(main(argv))
	assert e.value.code == 2
	err = capsys.readouterr().err
	assert message in err and len(err.strip().splitlines()) == 1


def test_damagedCheckpointIsOneLine(tmp_path, capsys):
	(tmp_path / "checkpoint.h5").write_bytes(b"not a checkpoint")
	assert main(["export", "--checkpoint", str(tmp_path / "checkpoint.h5"), "--onnx", str(tmp_path / "m.onnx")]) == 2
	err = capsys.readouterr().err
	assert err.startswith("framework export: error:") and len(err.strip().splitlines()) == 1
	assert not (tmp_path / "m.onnx").exists()


def test_withoutOnnxTheErrorNamesTheExtra(tmp_path, capsys, monkeypatch):
	assert main(["train", "--out", str(tmp_path)] + TINY) == 0
	capsys.readouterr()
	monkeypatch.setitem(sys.modules, "onnx", None)
	assert main(["export", "--checkpoint", str(tmp_path / "checkpoint.h5"), "--onnx", str(tmp_path / "m.onnx")]) == 2
	err = capsys.readouterr().err.strip()
	assert err == 'framework export: error: the onnx package is not installed: pip install -e ".[onnx]"'


def test_theCommandLineLoadsOnnxOnlyToExport():
	import subprocess
	code = "import sys; from framework.Cli.Parser import buildParser; buildParser(); assert 'onnx' not in sys.modules, 'onnx imported'"
	result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
	assert result.returncode == 0, result.stderr
