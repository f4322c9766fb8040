"""Bad input: every error names the module, the expected and the received value, before any kernel runs."""
import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Modules import (
	Activation, Add, AvgPool2D, BatchNorm1D, BatchNorm2D, Concat, Conv2D, Dropout, Embedder, Flatten, Linear, MaxPool2D,
	Replicate, Reshape, SoftMax, Split, relu
)


def z(*shape, dtype=np.float32):
	return gpuarray.zeros(shape, dtype)


BAD_INPUTS = [
	(lambda: Linear(4, 3), z(2, 5), r"Linear: expected input of shape \(batch, 4\), got \(2, 5\)"),
	(lambda: Linear(4, 3), z(2, 2, 4), r"Linear: expected input of shape \(batch, 4\), got \(2, 2, 4\)"),
	(lambda: Conv2D(3, 2, 3), z(1, 2, 5, 5), r"Conv2D: expected input of shape \(batch, 3, height, width\), got \(1, 2, 5, 5\)"),
	(lambda: Conv2D(3, 2, 3), z(3, 5, 5), r"Conv2D: expected input of shape \(batch, 3, height, width\), got \(3, 5, 5\)"),
	(lambda: Conv2D(1, 1, 3, dilation=2), z(1, 1, 4, 9), r"Conv2D: input \(4, 9\) is smaller than the dilated kernel \(5, 5\)"),
	(lambda: MaxPool2D(2), z(2, 4, 4), r"MaxPool2D: expected input of shape \(batch, maps, height, width\), got \(2, 4, 4\)"),
	(lambda: AvgPool2D(3), z(1, 1, 2, 5), r"AvgPool2D: input \(2, 5\) is smaller than the window \(3, 3\)"),
	(lambda: SoftMax(), z(2, 3, 4), r"SoftMax: expected input of shape \(batch, classes\), got \(2, 3, 4\)"),
	(lambda: BatchNorm1D(3), z(4, 2), r"BatchNorm1D: expected input of shape \(batch, 3\), got \(4, 2\)"),
	(lambda: BatchNorm1D(3), z(1, 3), r"BatchNorm1D: training needs more than one value per channel, got input of shape \(1, 3\)"),
	(lambda: BatchNorm2D(2), z(4, 2, 3), r"BatchNorm2D: expected input of shape \(batch, 2, height, width\), got \(4, 2, 3\)"),
	(lambda: Reshape((5, -1)), z(2, 6), r"Reshape: cannot reshape input of shape \(2, 6\) \(12 elements\) into \(5, -1\)"),
	(lambda: Reshape((3, 5)), z(2, 6), r"Reshape: cannot reshape input of shape \(2, 6\) \(12 elements\) into \(3, 5\)"),
	(lambda: Concat(1), [z(2, 3, 4), z(2, 1, 5)], r"Concat: input 1 has shape \(2, 1, 5\), expected \(2, 3, 4\) up to axis 1"),
	(lambda: Concat(3), [z(2, 3), z(2, 1)], r"Concat: axis 3 is out of range for 2-d input"),
	(lambda: Split(1, [1, 2]), z(2, 4), r"Split: sections \[1, 2\] sum to 3, but axis 1 of input \(2, 4\) has length 4"),
	(lambda: Split(1, 3), z(2, 4), r"Split: axis 1 of length 4 does not split into 3 equal sections"),
	(lambda: Add(), [z(2, 3), z(3, 2)], r"Add: input 1 has shape \(3, 2\), expected \(2, 3\) like input 0"),
	(lambda: Linear(2, 2), z(3, 2, dtype=np.float64), r"Linear: expected input of dtype float32, got float64"),
	(lambda: Activation(relu), np.zeros((2, 2), np.float32), r"Activation: expected a device array as input, got ndarray"),
	(lambda: Add(), z(2, 3), r"Add: expected a non-empty list of arrays, got Array|Add: expected a non-empty list of arrays, got GPUArray"),
	(lambda: Concat(), [], r"Concat: expected a non-empty list of arrays, got list"),
	(lambda: Add(), [z(2, 2), z(2, 2, dtype=np.float64)], r"Add: expected input 1 of dtype float32, got float64"),
]


@pytest.mark.parametrize("build, data, message", BAD_INPUTS, ids=[m.split(":")[0] + "-%d" % k for k, (_, _, m) in enumerate(BAD_INPUTS)])
def test_badInputNamesModuleExpectedAndReceived(build, data, message):
	module = build()
	with pytest.raises((ValueError, TypeError), match=message) as info:
		module(data)
	assert module.data is None  # rejected before any forward work
	assert not isinstance(info.value, AssertionError)


def test_dtypeProblemsAreTypeErrors():
	with pytest.raises(TypeError):
		Linear(2, 2)(z(3, 2, dtype=np.float64))
	with pytest.raises(TypeError):
		Add()([z(2, 2), z(2, 2, dtype=np.float64)])


BAD_GRADS = [
	(lambda: Linear(4, 3), z(2, 4), z(2, 4), r"Linear: expected gradient of shape \(2, 3\), got \(2, 4\)"),
	(lambda: Conv2D(1, 2, 3, pad=1), z(1, 1, 4, 4), z(1, 1, 4, 4), r"Conv2D: expected gradient of shape \(1, 2, 4, 4\), got \(1, 1, 4, 4\)"),
	(lambda: Concat(), [z(2, 3), z(2, 1)], z(2, 3), r"Concat: expected gradient of shape \(2, 4\), got \(2, 3\)"),
	(lambda: Split(1, [1, 2]), z(2, 3), [z(2, 1)], r"Split: expected a list of 2 gradients, got a list of 1"),
	(lambda: Split(1, [1, 2]), z(2, 3), [z(2, 1), z(2, 1)], r"Split: gradient 1: expected shape \(2, 2\), got \(2, 1\)"),
	(lambda: Replicate(2), z(2, 3), [z(2, 3)] * 3, r"Replicate: expected a list of 2 gradients, got 3"),
	(lambda: Replicate(2), z(2, 3), z(2, 3), r"Replicate: expected a list of 2 gradients, got Array|GPUArray"),
	(lambda: Replicate(2), z(2, 3), [z(2, 3), z(3, 2)], r"Replicate: gradient 1: expected shape \(2, 3\), got \(3, 2\)"),
	(lambda: Add(), [z(2, 3), z(2, 3)], z(3, 2), r"Add: expected gradient of shape \(2, 3\), got \(3, 2\)"),
	(lambda: Embedder(3, 2), z(2, 4, dtype=np.int32), z(2, 4, 3), r"Embedder: expected gradient of shape \(2, 4, 2\), got \(2, 4, 3\)"),
]


@pytest.mark.parametrize("build, data, grad, message", BAD_GRADS, ids=[m.split(":")[0] + "-%d" % k for k, (_, _, _, m) in enumerate(BAD_GRADS)])
def test_badGradientNamesModuleExpectedAndReceived(build, data, grad, message):
	module = build()
	module(data)
	with pytest.raises((ValueError, TypeError), match=message):
		module.backward(grad)
	assert module.grad is None


BAD_CONSTRUCTORS = [
	(lambda: Linear(0, 3), r"Linear: insize must be an int >= 1, got 0"),
	(lambda: Linear(2, 3, initscheme="orthogonal"), r"Linear: initscheme must be one of xavier, he, gaussian, uniform or a callable, got 'orthogonal'"),
	(lambda: Conv2D(3, 4, 3, groups=2), r"Conv2D: inmaps \(3\) and outmaps \(4\) must be divisible by groups \(2\)"),
	(lambda: Conv2D(2, 2, (3, 3, 3)), r"Conv2D: size must be an int or a pair \(h, w\), got \(3, 3, 3\)"),
	(lambda: Conv2D(2, 2, 3, stride=0), r"Conv2D: stride must be an int >= 1, got 0"),
	(lambda: Conv2D(2, 2, 3, pad=-1), r"Conv2D: pad must be an int >= 0, got -1"),
	(lambda: MaxPool2D(2, pad=2), r"MaxPool2D: pad \(2, 2\) must be at most half the window size \(2, 2\)"),
	(lambda: BatchNorm2D(3, momentum=2.0), r"BatchNorm2D: momentum must be a number in \[0, 1\], got 2.0"),
	(lambda: Reshape((2, -1, -1)), r"Reshape: shape must be a tuple of positive ints with at most one -1, got \(2, -1, -1\)"),
	(lambda: Split(1, []), r"Split: sections must be a positive int or a non-empty list of positive ints, got \[\]"),
	(lambda: Replicate(0), r"Replicate: times must be an int >= 1, got 0"),
	(lambda: Embedder(10, 0), r"Embedder: embsize must be an int >= 1, got 0"),
	(lambda: Concat("1"), r"Concat: axis must be an int, got '1'"),
	(lambda: Flatten(name="a.b"), r"Flatten: name must be a non-empty string without '.' or '/'"),
]


@pytest.mark.parametrize("build, message", BAD_CONSTRUCTORS, ids=[m.split(":")[0] + "-%d" % k for k, (_, m) in enumerate(BAD_CONSTRUCTORS)])
def test_badConstructorArguments(build, message):
	with pytest.raises(ValueError, match=message):
		build()


def test_namedModuleIsNamedInErrors():
	with pytest.raises(ValueError, match=r"^Linear 'fc1': expected input of shape \(batch, 4\)"):
		Linear(4, 2, name="fc1")(z(1, 3))


def test_dropoutAndSoftmaxDtype():
	with pytest.raises(TypeError, match="Dropout: expected input of dtype float32, got float64"):
		Dropout()(z(2, 2, dtype=np.float64))
	with pytest.raises(TypeError, match="SoftMax: expected gradient of dtype float32, got float64"):
		m = SoftMax()
		m(z(2, 2))
		m.backward(z(2, 2, dtype=np.float64))
