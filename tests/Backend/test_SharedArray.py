import numpy as np
import pytest

from framework.Backend.SharedArray import SharedArray


def test_blocksAreAlignedViewsOfOneBuffer(dtype):
	shared = SharedArray(dtype)
	shapes = {"a": (3, 5), "b": (7, ), "c": (2, 2, 2)}
	ranges = {name: shared.register(name, shape) for name, shape in shapes.items()}
	shared.build()

	align = 256 // np.dtype(dtype).itemsize
	for name, shape in shapes.items():
		start, stop = ranges[name]
		assert start % align == 0 and stop - start == int(np.prod(shape))
		assert shared[name].shape == shape and shared[name].dtype == dtype

	shared["b"].fill(3)
	buffer = shared.buffer.get()
	start, stop = shared.range("b")
	assert np.all(buffer[start:stop] == 3) and buffer.sum() == 3 * 7
	assert shared.size % align == 0 and shared.names() == ["a", "b", "c"]


def test_sharedArrayMisuse():
	shared = SharedArray(np.float32)
	shared.register("w", (2, ))
	with pytest.raises(ValueError, match="already registered"):
		shared.register("w", (3, ))
	with pytest.raises(RuntimeError, match="build"):
		shared["w"]
	shared.build()
	with pytest.raises(RuntimeError, match="already built"):
		shared.register("v", (1, ))
