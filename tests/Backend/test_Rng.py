import numpy as np
import pytest

from framework import Config
from framework.Backend import Rng, gpuarray


def test_uniformAndNormalHaveTheirMoments(dtype):
	ary = gpuarray.empty(200000, dtype)
	values = Rng.fillUniform(ary, -1.0, 3.0).get()
	assert values.min() >= -1.0 and values.max() <= 3.0
	assert abs(values.mean() - 1.0) < 0.02

	values = Rng.fillNormal(ary, 2.0, 0.5).get()
	assert abs(values.mean() - 2.0) < 0.01 and abs(values.std() - 0.5) < 0.01


def test_setSeedMakesFillsReproducible():
	a, b = gpuarray.empty(50), gpuarray.empty(50)
	Config.setSeed(7)
	Rng.fillNormal(a)
	Config.setSeed(7)
	Rng.fillNormal(b)
	np.testing.assert_array_equal(a.get(), b.get())

	Rng.fillNormal(b)
	assert not np.array_equal(a.get(), b.get())


def test_rngErrors():
	with pytest.raises(TypeError, match="float32/float64 device array"):
		Rng.fillUniform(gpuarray.zeros(3, np.int32))
	with pytest.raises(ValueError, match="low <= high"):
		Rng.fillUniform(gpuarray.zeros(3), 1.0, 0.0)
	with pytest.raises(ValueError, match="non-negative int"):
		Config.setSeed(-1)
