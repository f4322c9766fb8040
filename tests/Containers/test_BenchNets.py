"""The benchmark's nets build and take a training step (so bench/nets.py cannot rot unnoticed)."""
import numpy as np
import pytest

from bench.nets import NETS, ourStep
from framework.Backend import gpuarray
from framework.Cost import CrossEntropy


@pytest.mark.parametrize("key", sorted(NETS))
def test_benchNetTakesAStep(key, rng):
	_, batch, shape, ours, _ = NETS[key]
	net = ours()
	x = gpuarray.to_gpu(rng.standard_normal((4, ) + shape).astype(np.float32))
	y = gpuarray.to_gpu(rng.integers(0, 10, 4).astype(np.int32))
	ourStep(net, CrossEntropy(), x, y)()
	assert net.data.shape == (4, 10)
	assert all(np.abs(var.grad.get()).sum() > 0 for var in net.getVarTable())
