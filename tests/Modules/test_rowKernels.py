"""Row kernels (one work item per row, launched over range(rows)) are safe without their range.

Some kernels keep one work item per row on purpose (the pooling, convolution reordering, batch-norm and embedding
kernels: their element-parallel form measured several times slower on the CPU backend). Called without a range,
such a kernel runs as many items as its first array has elements; each row kernel bounds itself by its row
count, so the extra items touch nothing. The softmax kernels are element-parallel (and per-row statistics whose
first array has one entry per row) and need no range at all.
"""
import importlib

import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Modules import AvgPool2D, BatchNorm2D, Conv2D, Embedder, MaxPool2D, SoftMax

PAD = 64
SENTINEL = 12345.0


class Recorder:
	def __init__(self, kernel):
		self.kernel, self.calls = kernel, []

	def __call__(self, *args, range=None):
		self.calls.append((args, range))
		return self.kernel(*args, range=range)


def drive(module, data, rng):
	out = module(data)
	grad = gpuarray.to_gpu(rng.standard_normal(out.shape).astype(out.dtype))
	module.backward(grad)


CASES = [
	("MaxPool2D", ["maxPoolForward2x2", "maxPoolBackwardDisjoint"], lambda: MaxPool2D(2), (2, 3, 6, 7)),
	("MaxPool2D", ["maxPoolForward", "maxPoolBackward"], lambda: MaxPool2D(3, 2, 1), (2, 3, 7, 6)),
	("AvgPool2D", ["avgPoolForward", "avgPoolBackward"], lambda: AvgPool2D(3, 2, 1), (2, 3, 7, 6)),
	("Conv2D", ["im2col", "col2im", "toNchwBias", "fromNchw"], lambda: Conv2D(3, 4, 3, pad=1), (2, 3, 5, 6)),
	("Conv2D", ["toNchw"], lambda: Conv2D(3, 4, 3, useBias=False), (2, 3, 5, 6)),
	("BatchNormND", ["normalise", "backwardRows"], lambda: BatchNorm2D(3), (4, 3, 2, 5)),
]


def padded(ary):
	"""A copy of a device array as the leading view of a longer buffer whose tail holds a sentinel."""
	host = np.full(ary.size + PAD, SENTINEL, dtype=ary.dtype)
	host[:ary.size] = ary.get().ravel()
	return gpuarray.to_gpu(host), gpuarray.to_gpu(host)[:ary.size]


@pytest.mark.parametrize("moduleName, kernels, make, shape", CASES, ids=lambda v: v if isinstance(v, str) else None)
def test_rowKernelWithoutItsRangeTouchesNothingPastItsRows(moduleName, kernels, make, shape, monkeypatch, rng):
	source = importlib.import_module("framework.Modules." + moduleName)
	recorders = {name: Recorder(getattr(source, name)) for name in kernels}
	for name, recorder in recorders.items():
		monkeypatch.setattr(source, name, recorder)

	drive(make(), gpuarray.to_gpu(rng.standard_normal(shape).astype(np.float32)), rng)
	for name, recorder in recorders.items():
		assert recorder.calls, "%s was not launched" % name
		args, range_ = recorder.calls[-1]
		assert range_ is not None and range_.stop < args[0].size  # a row kernel: fewer items than its first array

		outputs = [k for k, arg in enumerate(recorder.kernel.args) if arg.isPointer and not arg.isConst]
		results = []
		for launch in (range_, None):
			values, buffers = list(args), {}
			for k in outputs:
				buffers[k], values[k] = padded(args[k])
			recorder.kernel(*values, range=launch)
			results.append({k: buffers[k].get() for k in outputs})
		for k in outputs:
			assert np.array_equal(results[0][k], results[1][k], equal_nan=True), name
			assert (results[1][k][-PAD:] == SENTINEL).all(), name


def test_embedderScatterWithoutItsRange(monkeypatch, rng):
	source = importlib.import_module("framework.Modules.Embedder")
	recorder = Recorder(source.scatterRows)
	monkeypatch.setattr(source, "scatterRows", recorder)
	drive(Embedder(50, 3), gpuarray.to_gpu(np.array([[1, 4, 4], [2, 1, 0]], np.int32)), rng)
	args, range_ = recorder.calls[-1]
	before = args[0].get()
	recorder.kernel(*args, range=range_)
	once = args[0].get()
	args[0].set(before)
	recorder.kernel(*args)
	assert np.array_equal(args[0].get(), once)


def test_softMaxNeedsNoRange(monkeypatch, rng):
	source = importlib.import_module("framework.Modules.SoftMax")
	recorders = {name: Recorder(getattr(source, name)) for name in
		("softMaxRowStats", "softMaxForward", "softMaxRowDot", "softMaxBackward")}
	for name, recorder in recorders.items():
		monkeypatch.setattr(source, name, recorder)
	drive(SoftMax(), gpuarray.to_gpu(rng.standard_normal((5, 7)).astype(np.float32)), rng)
	assert all(recorder.calls and recorder.calls[-1][1] is None for recorder in recorders.values())
