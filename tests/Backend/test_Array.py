import numpy as np
import pytest

from framework.Backend import gpuarray


def test_roundTripAndAttributes(dtype, rng):
	host = rng.standard_normal((3, 5)).astype(dtype)
	ary = gpuarray.to_gpu(host)

	assert isinstance(ary, gpuarray.GPUArray)
	assert ary.shape == (3, 5) and ary.dtype == dtype and ary.size == 15 and ary.ndim == 2
	assert ary.nbytes == host.nbytes
	np.testing.assert_array_equal(ary.get(), host)


def test_toGpuMakesNonContiguousInputContiguous(rng):
	host = rng.standard_normal((4, 6)).astype(np.float32)[:, ::2]
	np.testing.assert_array_equal(gpuarray.to_gpu(host).get(), host)


def test_creators(dtype):
	assert np.all(gpuarray.zeros((2, 3), dtype).get() == 0)
	assert gpuarray.empty(4, dtype).shape == (4, )

	ref = gpuarray.zeros((2, 2), np.float64)
	assert gpuarray.empty_like(ref).dtype == np.float64
	assert gpuarray.zeros_like(ref, dtype=np.float32).dtype == np.float32
	assert gpuarray.zeros(3).dtype == np.float32


@pytest.mark.parametrize("shape", [(1, ), (3, 5), (128, 784), (0, 4), ()])
def test_everyAllocationStartsOnACacheLine(dtype, rng, shape):
	"""numpy alone aligns to 16 bytes; the CPU gemm loses 6-10% when rows straddle cache lines."""
	host = rng.standard_normal(shape).astype(dtype)
	ary = gpuarray.to_gpu(host)
	allocations = (ary, gpuarray.empty(shape, dtype), gpuarray.zeros(shape, dtype), ary.copy(), ary.astype(np.float64),
		ary + ary, 2.0 * ary, -ary, ary ** 2)
	for made in allocations:
		assert made.ptr % 64 == 0, (made.shape, made.dtype, made.ptr % 64)
	np.testing.assert_array_equal(ary.copy().get(), host)
	np.testing.assert_array_equal(ary.astype(np.float64).get(), host.astype(np.float64))
	assert np.all(gpuarray.zeros(shape, dtype).get() == 0)


def test_setFillCopyAstype(rng):
	ary = gpuarray.zeros((2, 3), np.float32)
	host = rng.standard_normal((2, 3)).astype(np.float32)
	ary.set(host)
	np.testing.assert_array_equal(ary.get(), host)

	copy = ary.copy()
	ary.fill(7.0)
	assert np.all(ary.get() == 7) and np.array_equal(copy.get(), host)

	converted = copy.astype(np.float64)
	assert converted.dtype == np.float64
	np.testing.assert_array_equal(converted.get(), host.astype(np.float64))


def test_setRejectsWrongShapeAndDtype():
	ary = gpuarray.zeros((2, 3), np.float32)
	with pytest.raises(ValueError, match=r"expected shape \(2, 3\), got \(3, 2\)"):
		ary.set(np.zeros((3, 2), np.float32))
	with pytest.raises(TypeError, match="expected dtype float32, got float64"):
		ary.set(np.zeros((2, 3), np.float64))


def test_reshapeRavelAndViewsShareMemory():
	ary = gpuarray.to_gpu(np.arange(12, dtype=np.float32))
	matrix = ary.reshape(3, 4)
	assert matrix.shape == (3, 4) and ary.reshape((4, 3)).shape == (4, 3)

	row = matrix[1]
	assert row.shape == (4, )
	row.fill(-1)
	np.testing.assert_array_equal(ary.get()[4:8], -1)

	part = ary[2:5]
	part.set(np.array([10, 11, 12], np.float32))
	np.testing.assert_array_equal(matrix.ravel().get()[2:5], [10, 11, 12])


def test_nonContiguousViewIsRefused():
	ary = gpuarray.to_gpu(np.arange(12, dtype=np.float32)).reshape(3, 4)
	with pytest.raises(ValueError, match="non-contiguous"):
		ary[:, 1]


def test_arithmeticMatchesNumpy(rng):
	a, b = rng.standard_normal(6).astype(np.float32), rng.standard_normal(6).astype(np.float32) + 3
	ga, gb = gpuarray.to_gpu(a), gpuarray.to_gpu(b)

	np.testing.assert_allclose((ga + gb).get(), a + b)
	np.testing.assert_allclose((ga - gb).get(), a - b)
	np.testing.assert_allclose((ga * gb).get(), a * b)
	np.testing.assert_allclose((ga / gb).get(), a / b, rtol=1e-6)
	np.testing.assert_allclose((2 * ga + 1).get(), 2 * a + 1, rtol=1e-6)
	np.testing.assert_allclose((-ga).get(), -a)

	ga *= 2
	np.testing.assert_allclose(ga.get(), 2 * a)
	with pytest.raises(ValueError, match="no broadcasting"):
		ga + gpuarray.zeros((3, 2), np.float32)


def test_toGpuRejectsDeviceArray():
	with pytest.raises(TypeError, match="device array"):
		gpuarray.to_gpu(gpuarray.zeros(3))


def test_badShapeIsClear():
	with pytest.raises(ValueError, match="non-negative"):
		gpuarray.zeros((2, -1))
