"""SwapAxes against numpy.swapaxes, forward and backward, and its errors (gradients: MODULE_CASES)."""
import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Modules import SwapAxes


@pytest.mark.parametrize("shape, axes", [
	((2, 3), (0, 1)), ((4, 5, 6), (0, 1)), ((4, 5, 6), (2, 0)), ((2, 3, 4, 5), (1, 3)), ((2, 3, 4, 5), (2, 2)),
	((1, 7, 1, 3, 2), (0, 4)),
])
def test_matches_numpy_swapaxes(shape, axes, dtype):
	x = np.arange(np.prod(shape)).reshape(shape).astype(dtype)
	module = SwapAxes(*axes).calcMode(dtype)
	y = module(gpuarray.to_gpu(x))
	np.testing.assert_array_equal(y.get(), np.swapaxes(x, *axes))

	g = np.random.default_rng(0).standard_normal(y.shape).astype(dtype)
	np.testing.assert_array_equal(module.backward(gpuarray.to_gpu(g)).get(), np.swapaxes(g, *axes))


def test_errors_name_the_module():
	with pytest.raises(ValueError, match=r"SwapAxes: axis1 must be an int >= 0, got -1"):
		SwapAxes(-1, 0)
	with pytest.raises(ValueError, match=r"SwapAxes 's': axes 0 and 3 need an input with at least 4 axes, got shape \(2, 3\)"):
		SwapAxes(0, 3, name="s")(gpuarray.to_gpu(np.zeros((2, 3), np.float32)))
