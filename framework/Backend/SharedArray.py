"""One contiguous device buffer holding many named arrays at aligned offsets.

Global optimizer state is built on it: every parameter of a dtype lives in one
buffer, so one kernel launch over a range updates many variables at once.
"""
import numpy as np

from framework.Backend import gpuarray

ALIGN_BYTES = 256  # a whole number of cache lines and of CUDA's 128-byte transactions


class SharedArray:
	def __init__(self, dtype=np.float32, alignBytes=ALIGN_BYTES):
		self.dtype = np.dtype(dtype)
		if alignBytes % self.dtype.itemsize != 0:
			raise ValueError("SharedArray: alignBytes=%d is not a multiple of the %s item size" % (alignBytes, self.dtype))

		self.align = alignBytes // self.dtype.itemsize
		self.blocks = {}  # name -> (offset, shape)
		self.size = 0
		self.buffer = None
		self.views = {}


	def register(self, name, shape):
		"""Reserves an aligned block for an array named `name`; returns its (start, stop) element range."""
		if self.buffer is not None:
			raise RuntimeError("SharedArray.register(%r): the buffer is already built" % (name, ))
		if name in self.blocks:
			raise ValueError("SharedArray.register: name %r is already registered" % (name, ))

		shape = tuple(int(s) for s in shape)
		offset = self.size
		self.blocks[name] = (offset, shape)
		self.size = -(-(offset + int(np.prod(shape, dtype=np.int64))) // self.align) * self.align
		return self.range(name)


	def build(self):
		"""Allocates the zero-filled buffer and the views; padding between blocks stays zero."""
		if self.buffer is not None:
			raise RuntimeError("SharedArray.build: already built")

		self.buffer = gpuarray.zeros((self.size, ), self.dtype)
		for name, (offset, shape) in self.blocks.items():
			size = int(np.prod(shape, dtype=np.int64))
			self.views[name] = self.buffer[offset:offset + size].reshape(shape)
		return self


	def range(self, name):
		offset, shape = self.blocks[name]
		return offset, offset + int(np.prod(shape, dtype=np.int64))


	def __getitem__(self, name):
		if self.buffer is None:
			raise RuntimeError("SharedArray[%r]: call build() first" % (name, ))
		return self.views[name]


	def __contains__(self, name):
		return name in self.blocks


	def names(self):
		return list(self.blocks)
