"""Pooling shapes the fast paths special-case: stride larger than the window, odd leftover rows and columns."""
import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Modules import AvgPool2D, MaxPool2D

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("cls,torchPool", [(MaxPool2D, torch.nn.functional.max_pool2d), (AvgPool2D, torch.nn.functional.avg_pool2d)])
@pytest.mark.parametrize("size,stride,shape", [
	(2, 3, (2, 3, 7, 8)),    # windows do not touch, leftovers on both axes
	(2, 2, (1, 2, 7, 9)),    # the 2x2 stride-2 fast path with an odd last row and column
	(3, 2, (2, 1, 9, 6)),    # overlapping windows
	(1, 2, (1, 1, 5, 5)),    # stride larger than a 1x1 window
])
def test_poolingMatchesTorch(cls, torchPool, size, stride, shape):
	rng = np.random.default_rng(3)
	x = rng.standard_normal(shape)
	pool = cls(size=size, stride=stride).calcMode(np.float64)
	out = pool(gpuarray.to_gpu(x))

	tx = torch.tensor(x, requires_grad=True)
	tout = torchPool(tx, size, stride)
	np.testing.assert_allclose(out.get(), tout.detach().numpy(), rtol=1e-12)

	g = rng.standard_normal(tout.shape)
	tout.backward(torch.tensor(g))
	np.testing.assert_allclose(pool.backward(gpuarray.to_gpu(g)).get(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)
