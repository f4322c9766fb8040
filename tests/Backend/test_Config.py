import subprocess
import sys

import pytest

from framework import Config


def _backendIn(env):
	script = "from framework import Config; print(Config.getBackend())"
	return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
		env=dict(env, PYTHONPATH=":".join(sys.path)))


def test_backendIsChosenFromEnvironment():
	result = _backendIn({"FRAMEWORK_BACKEND": "cpu"})
	assert result.stdout.strip() == "cpu"


def test_unknownBackendIsAClearError():
	result = _backendIn({"FRAMEWORK_BACKEND": "tpu"})
	assert result.returncode != 0 and "expected one of auto, cpu, cuda, got 'tpu'" in result.stderr


@pytest.mark.skipif(Config._cudaAvailable(), reason="a GPU is present")
def test_askingForCudaWithoutOneIsAClearError():
	result = _backendIn({"FRAMEWORK_BACKEND": "cuda"})
	assert result.returncode != 0 and "no usable CUDA device" in result.stderr


def test_switchingBackendAfterUseIsRefused():
	other = "cuda" if Config.getBackend() == "cpu" else "cpu"
	if other == "cuda" and not Config._cudaAvailable():
		with pytest.raises(RuntimeError, match="no usable CUDA device"):
			Config.setBackend(other)
	else:
		with pytest.raises(RuntimeError, match="already in use"):
			Config.setBackend(other)
