"""Reshapes the whole input, batch axis included."""
import numbers

import numpy as np

from framework.Modules.Module import Module


class Reshape(Module):
	"""y = x.reshape(shape), a view; `shape` is the FULL output shape, batch axis included, and may hold
	one -1 that is inferred as in numpy (Reshape((-1, 16)) keeps any batch size). Reshape(shape, name=None).
	"""

	def __init__(self, shape, name=None):
		super().__init__(name)
		shape = (shape, ) if isinstance(shape, numbers.Integral) else shape
		if (not isinstance(shape, (tuple, list)) or not shape
				or any(not isinstance(s, numbers.Integral) or isinstance(s, bool) or (s < 1 and s != -1) for s in shape)
				or sum(s == -1 for s in shape) > 1):
			raise ValueError("%s: shape must be a tuple of positive ints with at most one -1, got %r" % (self.describe(), shape))
		self.shape = tuple(int(s) for s in shape)


	def updateData(self, data):
		return data.reshape(self.dataShapeFrom(data.shape))


	def updateGrad(self, grad):
		return grad.reshape(self.inData.shape)


	def checkDataShape(self, shape):
		size = int(np.prod(shape, dtype=np.int64))
		known = int(np.prod([s for s in self.shape if s != -1], dtype=np.int64))
		if (-1 in self.shape and (known == 0 or size % known != 0)) or (-1 not in self.shape and size != known):
			raise self.moduleError("cannot reshape input of shape %s (%d elements) into %s" % (tuple(shape), size, self.shape))


	def dataShapeFrom(self, shape):
		if -1 not in self.shape:
			return self.shape
		known = int(np.prod([s for s in self.shape if s != -1], dtype=np.int64))
		size = int(np.prod(shape, dtype=np.int64))
		return tuple(size // known if s == -1 else s for s in self.shape)
