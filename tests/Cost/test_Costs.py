"""Cost-specific behaviour: labels out of range, validation metrics, numerical stability, constructor checks."""
import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Cost import BCE, Abs, CrossEntropy, Hinge, KLDivergence, MSE, SmoothL1


def dev(a):
	return gpuarray.to_gpu(np.asarray(a))


@pytest.mark.parametrize("Cls", [CrossEntropy, Hinge])
@pytest.mark.parametrize("bad", [5, -1])
def test_labelsOutOfRange(Cls, bad, rng):
	logits = dev(rng.standard_normal((3, 5)).astype(np.float32))
	labels = dev(np.array([0, bad, 2], np.int32))
	with pytest.raises(ValueError, match=r"%s: labels must lie in \[0, 5\), got %d at position 1" % (Cls.__name__, bad)):
		Cls()(logits, labels)
	with pytest.raises(ValueError, match="%s: labels must lie" % Cls.__name__):
		Cls().validate(logits, labels)
	# Without the error query nothing is read back: the bad rows' gradient is NaN, never an out-of-bounds read.
	grad = Cls()(logits, labels, queryError=False).get()
	assert np.isnan(grad[1]).all() and np.isfinite(grad[[0, 2]]).all()


@pytest.mark.parametrize("Cls", [CrossEntropy, Hinge])
def test_labelChecks(Cls, rng):
	logits = dev(rng.standard_normal((3, 5)).astype(np.float32))
	with pytest.raises(TypeError, match="%s: expected int32 labels, got int64" % Cls.__name__):
		Cls()(logits, dev(np.zeros(3, np.int64)))
	with pytest.raises(ValueError, match=r"%s: expected logits of shape \(batch, classes\), got \(15,\)" % Cls.__name__):
		Cls()(logits.reshape(15), dev(np.zeros(15, np.int32)))


def test_classifierValidateIsErrorRate(rng):
	logits = rng.standard_normal((50, 4)).astype(np.float32)
	labels = rng.integers(0, 4, 50).astype(np.int32)
	expected = np.mean(logits.argmax(1) != labels)
	assert 0 < expected < 1
	assert CrossEntropy().validate(dev(logits), dev(labels)) == pytest.approx(expected)
	assert Hinge().validate(dev(logits), dev(labels)) == pytest.approx(expected)

	targets = rng.uniform(0, 1, (50, 4)).astype(np.float32)
	assert BCE().validate(dev(logits), dev(targets)) == pytest.approx(np.mean((logits > 0) != (targets > 0.5)))


@pytest.mark.parametrize("Cls", [MSE, Abs, SmoothL1, KLDivergence])
def test_regressionValidateIsTheError(Cls, rng):
	pred, target = (dev(rng.standard_normal((4, 3))) for _ in range(2))
	cost = Cls()
	assert cost.validate(pred, target) == pytest.approx(cost(pred, target)[0], rel=1e-12)


def test_crossEntropyIsStableForHugeLogits():
	logits = dev(np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0]], np.float32))
	error, grad = CrossEntropy()(logits, dev(np.array([1, 1], np.int32)))
	assert error == pytest.approx(500.0, rel=1e-6)  # row losses 1000 and 0
	np.testing.assert_allclose(grad.get(), [[0.5, -0.5, 0], [0, 0, 0]], atol=1e-6)


def test_bceIsStableForHugeLogits():
	error, grad = BCE()(dev(np.array([[100.0, -100.0]], np.float32)), dev(np.array([[0.0, 0.0]], np.float32)))
	assert error == pytest.approx(50.0, rel=1e-6)
	np.testing.assert_allclose(grad.get(), [[0.5, 0.0]], atol=1e-7)


def test_crossEntropyWeights(rng):
	with pytest.raises(ValueError, match="CrossEntropy: weights must be a non-empty 1-d"):
		CrossEntropy(weights=np.ones((2, 2)))
	cost = CrossEntropy(weights=np.ones(3))
	with pytest.raises(ValueError, match="CrossEntropy: has 3 class weights but the logits have 5 classes"):
		cost(dev(rng.standard_normal((2, 5)).astype(np.float32)), dev(np.zeros(2, np.int32)))
	# Weights given as a device array work alike.
	logits, labels = dev(rng.standard_normal((4, 3))), dev(np.array([0, 1, 2, 1], np.int32))
	w = np.array([1.0, 3.0, 0.5])
	assert CrossEntropy(weights=dev(w))(logits, labels)[0] == pytest.approx(CrossEntropy(weights=w)(logits, labels)[0])


def test_constructorChecks():
	with pytest.raises(ValueError, match="SmoothL1: beta must be a number >= 0"):
		SmoothL1(beta=-1)
	with pytest.raises(ValueError, match="KLDivergence: reduction must be 'mean' or 'batchmean'"):
		KLDivergence(reduction="sum")
	with pytest.raises(ValueError, match="Hinge: margin must be a number"):
		Hinge(margin="1")


def test_integerPredictionIsATypeError():
	with pytest.raises(TypeError, match="MSE: expected a float32 or float64 prediction, got int32"):
		MSE()(dev(np.zeros((2, 2), np.int32)), dev(np.zeros((2, 2), np.int32)))


def test_largeBatchTakesTheParallelPathAndStaysExact(rng):
	"""Above the CPU kernels' threading threshold (32768 elements) the results equal a float64 numpy reference."""
	logits = rng.standard_normal((4096, 10))
	labels = rng.integers(0, 10, 4096).astype(np.int32)
	shifted = logits - logits.max(1, keepdims=True)
	logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
	error, grad = CrossEntropy()(dev(logits), dev(labels))
	assert error == pytest.approx(-logp[np.arange(4096), labels].mean(), rel=1e-12)
	onehot = np.eye(10)[labels]
	np.testing.assert_allclose(grad.get(), (np.exp(logp) - onehot) / 4096, rtol=1e-10, atol=1e-15)

	target = rng.standard_normal((4096, 10))
	assert MSE()(dev(logits), dev(target))[0] == pytest.approx(((logits - target) ** 2).mean(), rel=1e-12)


def test_crossEntropyAcrossBatchSizes(rng):
	"""The unweighted divisor is cached per batch size: a short last batch must not reuse the full one's."""
	cost = CrossEntropy()
	for rows in (6, 4, 6):
		x = rng.standard_normal((rows, 3))
		labels = rng.integers(0, 3, rows).astype(np.int32)
		error, grad = cost(gpuarray.to_gpu(x), gpuarray.to_gpu(labels))

		shifted = x - x.max(axis=1, keepdims=True)
		softmax = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
		np.testing.assert_allclose(error, -np.log(softmax[np.arange(rows), labels]).mean(), rtol=1e-12)
		softmax[np.arange(rows), labels] -= 1
		np.testing.assert_allclose(grad.get(), softmax / rows, rtol=1e-10, atol=1e-14)
