"""Splits an array into consecutive sections along one axis."""
import numbers

from framework.Backend import gpuarray
from framework.Modules.Concat import checkAxis, joinParts, normaliseAxis, splitParts
from framework.Modules.Module import Module


class Split(Module):
	"""[x[..., s0], x[..., s1], ...] = consecutive sections of x along axis, sizes `sections`.

	Split(axis=1, sections=None, name=None): sections is a list of positive sizes that sum to the axis length,
	or an int n for n equal sections. Returns a list; the backward pass takes the list of gradients.
	"""

	def __init__(self, axis=1, sections=None, name=None):
		super().__init__(name)
		who = self.describe()
		self.axis = checkAxis(who, axis)
		isInt = lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1
		if isInt(sections):
			self.sections = int(sections)
		elif isinstance(sections, (list, tuple)) and sections and all(isInt(s) for s in sections):
			self.sections = [int(s) for s in sections]
		else:
			raise ValueError("%s: sections must be a positive int or a non-empty list of positive ints, got %r" % (who, sections))


	def sizes(self, length):
		return [length // self.sections] * self.sections if isinstance(self.sections, int) else self.sections


	def updateData(self, data):
		return splitParts(data, self.dataShapeFrom(data.shape), normaliseAxis(self, self.axis, data.ndim), self.calctype)


	def updateGrad(self, grad):
		dx = gpuarray.empty(self.inData.shape, self.calctype)
		joinParts(grad, dx, normaliseAxis(self, self.axis, dx.ndim))
		return dx


	def checkDataShape(self, shape):
		axis = normaliseAxis(self, self.axis, len(shape))
		length = shape[axis]
		if isinstance(self.sections, int):
			if length % self.sections != 0:
				raise self.moduleError("axis %d of length %d does not split into %d equal sections" % (axis, length, self.sections))
		elif sum(self.sections) != length:
			raise self.moduleError("sections %s sum to %d, but axis %d of input %s has length %d" % (
				self.sections, sum(self.sections), axis, tuple(shape), length
			))


	def checkGrad(self, grad):
		expected = self.dataShapeFrom(self.inData.shape)
		if not isinstance(grad, (list, tuple)) or len(grad) != len(expected):
			raise self.moduleError("expected a list of %d gradients, got %s" % (
				len(expected), "a list of %d" % len(grad) if isinstance(grad, (list, tuple)) else type(grad).__name__
			), TypeError if not isinstance(grad, (list, tuple)) else ValueError)
		self._checkArray(list(grad), "gradient")
		for k, (g, shape) in enumerate(zip(grad, expected)):
			if tuple(g.shape) != shape:
				raise self.moduleError("gradient %d: expected shape %s, got %s" % (k, shape, tuple(g.shape)))


	def dataShapeFrom(self, shape):
		axis = normaliseAxis(self, self.axis, len(shape))
		return [tuple(shape[:axis]) + (size, ) + tuple(shape[axis + 1:]) for size in self.sizes(shape[axis])]
