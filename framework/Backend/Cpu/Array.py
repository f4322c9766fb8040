"""The CPU array: a contiguous numpy buffer behind the subset of PyCUDA's GPUArray API the framework uses.

It deliberately has no __array__: code that needs host data calls .get(), as it
must on CUDA, so a backend leak shows up on the CPU too.
"""
import ctypes
import math
import numbers

import numpy as np


# Every array the backend allocates starts on a cache line (numpy's own allocations are 16-byte aligned): the
# gemm's rows of B and tiles of C otherwise straddle lines, which cost 6-10% at an MLP layer's sizes.
ALIGNMENT = 64


def alignedEmpty(shape, dtype):
	"""An uninitialised C-contiguous numpy array whose data starts on an ALIGNMENT-byte boundary."""
	dtype = np.dtype(dtype)
	nbytes = math.prod(shape) * dtype.itemsize
	raw = np.empty(nbytes + ALIGNMENT, dtype=np.uint8)
	return np.ndarray(shape, dtype, raw, -_address(raw) % ALIGNMENT)


def _address(data):
	"""The address of a numpy array's first element; from_buffer takes a third of .ctypes.data's time."""
	try:
		return ctypes.addressof(ctypes.c_char.from_buffer(data))
	except (TypeError, ValueError):  # read-only or empty arrays
		return data.ctypes.data


class Array:
	# shape, dtype, size and ndim are read several times per kernel launch, so they are plain slots filled once
	# (a numpy array never changes them in place) rather than properties: a training step launches dozens.
	__slots__ = ("_data", "ptr", "shape", "dtype", "size", "ndim", "__weakref__")

	def __init__(self, data):
		if not isinstance(data, np.ndarray) or not data.flags.c_contiguous:
			raise ValueError("Array: expected a C-contiguous numpy array, got %s" % type(data).__name__)

		self._data = data
		self.ptr = _address(data)
		self.shape, self.dtype, self.size, self.ndim = data.shape, data.dtype, data.size, data.ndim

	nbytes = property(lambda self: self._data.nbytes)
	strides = property(lambda self: self._data.strides)
	itemsize = property(lambda self: self._data.itemsize)

	def __len__(self):
		return len(self._data)


	def __repr__(self):
		return "Array(%r)" % (self._data, )


	def get(self, ary=None):
		if ary is None:
			return self._data.copy()

		self._checkHost(ary, "get")
		ary[...] = self._data
		return ary


	def set(self, ary):
		self._checkHost(ary, "set")
		self._data[...] = ary
		return self


	def _checkHost(self, ary, what):
		if not isinstance(ary, np.ndarray):
			raise TypeError("Array.%s: expected a numpy array, got %s" % (what, type(ary).__name__))
		if ary.shape != self.shape:
			raise ValueError("Array.%s: expected shape %s, got %s" % (what, self.shape, ary.shape))
		if ary.dtype != self.dtype:
			raise TypeError("Array.%s: expected dtype %s, got %s" % (what, self.dtype, ary.dtype))


	def fill(self, value):
		self._data.fill(value)
		return self


	def copy(self):
		return self.astype(self.dtype)


	def astype(self, dtype):
		out = alignedEmpty(self.shape, dtype)
		np.copyto(out, self._data, casting="unsafe")
		return Array(out)


	def reshape(self, *shape, order="C"):
		if order != "C":
			raise ValueError("Array.reshape: only order='C' is supported, got %r" % (order, ))

		shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
		try:
			return Array(self._data.reshape(shape))
		except ValueError:
			raise ValueError("Array.reshape: cannot reshape %s into %s" % (self.shape, tuple(shape))) from None


	def ravel(self):
		return Array(self._data.reshape(-1))


	def view(self, dtype=None):
		return Array(self._data if dtype is None else self._data.view(dtype))


	def __getitem__(self, key):
		key = key if isinstance(key, tuple) else (key, )
		view = self._data[key if Ellipsis in key else key + (Ellipsis, )]

		if not view.flags.c_contiguous:
			raise ValueError("Array.__getitem__: %r gives a non-contiguous view of a %s array" % (key, self.shape))
		return Array(view)


	def __setitem__(self, key, value):
		self[key].set(value) if isinstance(value, np.ndarray) else self[key]._assign(value)


	def _assign(self, value):
		if isinstance(value, Array):
			if value.shape != self.shape:
				raise ValueError("Array: cannot assign shape %s to shape %s" % (value.shape, self.shape))
			self._data[...] = value._data
		elif isinstance(value, numbers.Number):
			self._data[...] = value
		else:
			raise TypeError("Array: cannot assign %s" % type(value).__name__)


	# Arithmetic follows GPUArray: same shapes or a scalar, never broadcasting.
	def _operand(self, other, op):
		if isinstance(other, Array):
			if other.shape != self.shape:
				raise ValueError("Array.%s: shapes %s and %s differ (no broadcasting)" % (op, self.shape, other.shape))
			return other._data
		if isinstance(other, numbers.Number):
			return self.dtype.type(other)
		return NotImplemented


	def _binary(op, ufunc, inplace=False, reflected=False):
		def method(self, other):
			operand = self._operand(other, op)
			if operand is NotImplemented:
				return NotImplemented
			if inplace:
				ufunc(self._data, operand, out=self._data)
				return self
			a, b = (operand, self._data) if reflected else (self._data, operand)
			return Array(ufunc(a, b, out=alignedEmpty(self.shape, self.dtype), casting="unsafe"))
		return method

	__add__, __radd__, __iadd__ = _binary("add", np.add), _binary("add", np.add, reflected=True), _binary("add", np.add, True)
	__sub__, __rsub__, __isub__ = (
		_binary("sub", np.subtract), _binary("sub", np.subtract, reflected=True), _binary("sub", np.subtract, True)
	)
	__mul__, __rmul__, __imul__ = (
		_binary("mul", np.multiply), _binary("mul", np.multiply, reflected=True), _binary("mul", np.multiply, True)
	)
	__truediv__, __rtruediv__, __itruediv__ = (
		_binary("div", np.divide), _binary("div", np.divide, reflected=True), _binary("div", np.divide, True)
	)
	del _binary

	def __neg__(self):
		return Array(np.negative(self._data, out=alignedEmpty(self.shape, self.dtype)))


	def __pow__(self, power):
		return Array(np.power(self._data, self.dtype.type(power), out=alignedEmpty(self.shape, self.dtype)))
