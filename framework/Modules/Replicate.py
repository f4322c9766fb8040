"""Fans one array out to several consumers."""
from framework.Backend.SharedKernels import accumulate
from framework.Modules.Module import Module
from framework.Modules.Utils import checkPositiveInt


class Replicate(Module):
	"""[x, x, ..., x] (`times` entries, the same array: consumers must not write into it); dx = sum of the list of grads.

	Replicate(times, name=None).
	"""

	def __init__(self, times, name=None):
		super().__init__(name)
		self.times = checkPositiveInt(self.describe(), "times", times)


	def updateData(self, data):
		return [data] * self.times


	def updateGrad(self, grad):
		dx = grad[0].copy()
		for g in grad[1:]:
			accumulate(dx, g)
		return dx


	def checkGrad(self, grad):
		if not isinstance(grad, (list, tuple)):
			raise self.moduleError("expected a list of %d gradients, got %s" % (self.times, type(grad).__name__), TypeError)
		if len(grad) != self.times:
			raise self.moduleError("expected a list of %d gradients, got %d" % (self.times, len(grad)))
		self._checkArray(list(grad), "gradient")
		for k, g in enumerate(grad):
			if tuple(g.shape) != tuple(self.inData.shape):
				raise self.moduleError("gradient %d: expected shape %s, got %s" % (k, tuple(self.inData.shape), tuple(g.shape)))


	def dataShapeFrom(self, shape):
		return [tuple(shape)] * self.times
