"""Shared fixtures: tests run on the backend FRAMEWORK_BACKEND selects (CPU in CI, CUDA on a GPU machine)."""

import numpy as np
import pytest

from framework import Config



def pytest_report_header(config):
	return "framework backend: %s" % Config.getBackend()


@pytest.fixture(params=[np.float32, np.float64], ids=["float32", "float64"])
def dtype(request):
	return np.dtype(request.param)


@pytest.fixture
def rng():
	return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _seeded():
	Config.setSeed(1234)
	yield


def pytest_collection_modifyitems(config, items):
	if Config.getBackend() != "cuda":
		skip = pytest.mark.skip(reason="needs the CUDA backend (FRAMEWORK_BACKEND=cuda on a GPU machine)")
		for item in items:
			if "cuda" in item.keywords:
				item.add_marker(skip)
