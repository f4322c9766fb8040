"""NaN and infinities through every activation, pooling and max kernel, forward and backward.

A NaN in the input (or in the incoming gradient) must come out as NaN where IEEE arithmetic puts it, never as a
finite number: ReLU's `v > 0 ? v : 0` once turned a NaN pixel into 0 and the run trained on silently.
"""
import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Modules import Activation, AvgPool2D, BatchNorm2D, Dropout, MaxPool2D, SoftMax
from framework.Modules.Activation import KERNELS

NAN, INF = float("nan"), float("inf")
ACTIVATIONS = sorted(KERNELS)

# The mathematical limits at -inf and +inf, forward and derivative (gelu: the product -inf * 0 is NaN, as in torch)
LIMITS = {
	"relu": ((0.0, 0.0), (INF, 1.0)), "leakyRelu": ((-INF, 0.01), (INF, 1.0)), "sigmoid": ((0.0, 0.0), (1.0, 0.0)),
	"tanh": ((-1.0, 0.0), (1.0, 0.0)), "elu": ((-1.0, 0.0), (INF, 1.0)), "softPlus": ((0.0, 0.0), (INF, 1.0)),
}


def run(module, x, grad=None):
	module.calcMode(x.dtype)
	out = module(gpuarray.to_gpu(x))
	dx = module.backward(gpuarray.to_gpu(np.ones(out.shape, x.dtype) if grad is None else grad))
	return out.get(), dx.get()


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activationPropagatesNaNForwardAndBackward(name, dtype):
	x = np.array([-2.0, -0.5, NAN, 0.0, 0.5, 2.0, NAN, -3.0], dtype=dtype)
	out, dx = run(Activation(name), x)
	assert np.array_equal(np.isnan(out), np.isnan(x))
	assert np.array_equal(np.isnan(dx), np.isnan(x))  # the derivative at NaN is NaN, not the slope of either side


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activationBackwardKeepsANaNGradientEvenWhereTheSlopeIsZero(name, dtype):
	x = np.array([-30.0, -2.0, 0.5, 30.0], dtype=dtype)
	grad = np.full(4, NAN, dtype=dtype)
	_, dx = run(Activation(name), x, grad)
	assert np.isnan(dx).all()  # 0 * NaN is NaN


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_activationAtInfinityGivesItsLimit(name, dtype):
	x = np.array([-INF, INF], dtype=dtype)
	out, dx = run(Activation(name), x)
	(lowY, lowD), (highY, highD) = LIMITS[name]
	assert out.tolist() == [lowY, highY]
	assert dx.tolist() == pytest.approx([lowD, highD], rel=1e-6)


def plane(dtype, shape=(1, 2, 6, 6), seed=0):
	return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("size, stride, pad", [(2, 2, 0), (3, 2, 1), (2, 3, 0), (3, 1, 0)])
@pytest.mark.parametrize("position", [(0, 0), (1, 1), (4, 5)])
def test_maxPoolPropagatesNaNWhereverItLiesInTheWindow(size, stride, pad, position, dtype):
	x = plane(dtype)
	x[0, 1][position] = NAN
	pool = MaxPool2D(size, stride, pad)
	out, _ = run(pool, x)

	# Expected: every window that covers the NaN is NaN, the others are finite
	OH, OW = out.shape[2:]
	for oh in range(OH):
		for ow in range(OW):
			h, w = oh * stride - pad, ow * stride - pad
			covers = h <= position[0] < h + size and w <= position[1] < w + size
			assert np.isnan(out[0, 1, oh, ow]) == covers
	assert np.isfinite(out[0, 0]).all()

	grad = np.ones(out.shape, dtype)
	grad[0, 0, 0, 0] = NAN
	_, dx = run(pool, x, grad)
	assert np.isnan(dx[0, 0]).sum() == 1  # the NaN gradient reaches its window's winner


@pytest.mark.parametrize("size, stride", [(2, 2), (3, 2)])
def test_maxPoolOfInfinities(size, stride, dtype):
	x = np.full((1, 1, 4, 4), -INF, dtype)
	out, dx = run(MaxPool2D(size, stride), x)
	assert (out == -INF).all() and np.isfinite(dx).all()
	x[0, 0, 0, 0] = INF
	out, _ = run(MaxPool2D(size, stride), x)
	assert out[0, 0, 0, 0] == INF


def test_avgPoolPropagatesNaN(dtype):
	x = plane(dtype)
	x[0, 0, 2, 3] = NAN
	out, dx = run(AvgPool2D(2), x)
	assert np.isnan(out).sum() == 1 and np.isnan(out[0, 0, 1, 1])
	grad = np.ones(out.shape, dtype)
	grad[0, 1, 2, 2] = NAN
	_, dx = run(AvgPool2D(2), x, grad)
	assert np.isnan(dx).sum() == 4 and np.isnan(dx[0, 1, 4:6, 4:6]).all()


@pytest.mark.parametrize("column", [0, 3])
def test_softMaxRowWithNaNIsNaN(column, dtype):
	x = np.random.default_rng(1).standard_normal((3, 5)).astype(dtype)
	x[1, column] = NAN
	out, dx = run(SoftMax(), x)
	assert np.isnan(out[1]).all() and np.isfinite(out[[0, 2]]).all()
	assert np.isnan(dx[1]).all() and np.isfinite(dx[[0, 2]]).all()

	grad = np.ones((3, 5), dtype)
	grad[2, 4] = NAN
	_, dx = run(SoftMax(), np.nan_to_num(x), grad)
	assert np.isnan(dx[2]).all() and np.isfinite(dx[[0, 1]]).all()


def test_softMaxWithMinusInfinityGivesZeroThere(dtype):
	x = np.array([[0.0, -INF, 1.0]], dtype)
	out, _ = run(SoftMax(), x)
	assert out[0, 1] == 0.0 and out.sum() == pytest.approx(1.0)


def test_dropoutKeepsNaNEvenWhereItDrops(dtype):
	x = np.full(1000, NAN, dtype)
	out, dx = run(Dropout(0.5), x, np.full(1000, NAN, dtype))
	assert np.isnan(out).all() and np.isnan(dx).all()  # x * 0 is NaN for x = NaN


def test_batchNormChannelWithNaNIsNaN(dtype):
	x = plane(dtype, (4, 3, 2, 2))
	x[1, 2, 0, 1] = NAN
	out, dx = run(BatchNorm2D(3), x)
	assert np.isnan(out[:, 2]).all() and np.isfinite(out[:, :2]).all()
	assert np.isnan(dx[:, 2]).all() and np.isfinite(dx[:, :2]).all()
