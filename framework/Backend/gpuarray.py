"""Arrays on the active backend, with PyCUDA's gpuarray names.

On CUDA these are real pycuda.gpuarray.GPUArray objects; on the CPU a numpy-backed
type with the same API subset. `gpuarray.GPUArray` names whichever is active.
"""
import numbers

import numpy as np

from framework import Config
from framework.Backend import impl


def _dtype(dtype):
	return np.dtype(Config.defaultDtype if dtype is None else dtype)


def to_gpu(ary):
	"""Copies a numpy array (or anything numpy accepts) to the device."""
	if isinstance(ary, GPUArrayType()):
		raise TypeError("gpuarray.to_gpu: expected a host (numpy) array, got a device array; use .copy()")
	return impl().toDevice(np.ascontiguousarray(ary))


def empty(shape, dtype=None):
	return impl().empty(_shape(shape), _dtype(dtype))


def zeros(shape, dtype=None):
	return impl().zeros(_shape(shape), _dtype(dtype))


def empty_like(ary, dtype=None):
	return empty(ary.shape, ary.dtype if dtype is None else dtype)


def zeros_like(ary, dtype=None):
	return zeros(ary.shape, ary.dtype if dtype is None else dtype)


def _shape(shape):
	if type(shape) is tuple:  # the common case, checked cheaply (a loop, no generator): layers allocate per step
		for s in shape:
			if type(s) is not int or s < 0:
				break
		else:
			return shape
	shape = (shape, ) if isinstance(shape, numbers.Integral) else tuple(shape)
	if any(not isinstance(s, numbers.Integral) or s < 0 for s in shape):
		raise ValueError("gpuarray: a shape is a tuple of non-negative ints, got %r" % (shape, ))
	return tuple(int(s) for s in shape)


def GPUArrayType():
	"""The array class of the active backend (for isinstance checks)."""
	return impl().ArrayType


def isArray(obj):
	return isinstance(obj, impl().ArrayType)


def synchronize():
	"""Waits for queued device work (a no-op on the CPU); benchmarks call it before reading the clock."""
	impl().synchronize()


def __getattr__(name):
	if name == "GPUArray":
		return GPUArrayType()
	raise AttributeError("module 'framework.Backend.gpuarray' has no attribute %r" % (name, ))
