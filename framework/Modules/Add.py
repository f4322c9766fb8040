"""Sums a list of equally shaped arrays."""
from framework.Backend.SharedKernels import accumulate
from framework.Modules.Module import Module


class Add(Module):
	"""y = x0 + x1 + ... for a list of arrays of one shape. Add(name=None).

	The backward pass returns a list with one copy of the incoming gradient per input.
	"""

	def updateData(self, data):
		out = data[0].copy()
		for x in data[1:]:
			accumulate(out, x)
		return out


	def updateGrad(self, grad):
		return [grad.copy() for _ in self.inData]


	def checkData(self, data):
		if not isinstance(data, (list, tuple)) or len(data) == 0:
			raise self.moduleError("expected a non-empty list of arrays, got %s" % type(data).__name__, TypeError)
		self._checkArray(list(data), "input")
		for k, x in enumerate(data):
			if tuple(x.shape) != tuple(data[0].shape):
				raise self.moduleError("input %d has shape %s, expected %s like input 0" % (k, tuple(x.shape), tuple(data[0].shape)))


	def checkGrad(self, grad):
		self._checkArray(grad, "gradient")
		if tuple(grad.shape) != tuple(self.inData[0].shape):
			raise self.moduleError("expected gradient of shape %s, got %s" % (tuple(self.inData[0].shape), tuple(grad.shape)))


	def dataShapeFrom(self, shapes):
		return tuple(shapes[0])
