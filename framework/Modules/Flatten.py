"""Flattens every sample into a vector."""
import numpy as np

from framework.Modules.Module import Module


class Flatten(Module):
	"""(batch, d1, d2, ...) -> (batch, d1 * d2 * ...); a reshaped view, no copy. Flatten(name=None)."""

	def updateData(self, data):
		return data.reshape(self.dataShapeFrom(data.shape))


	def updateGrad(self, grad):
		return grad.reshape(self.inData.shape)


	def checkDataShape(self, shape):
		if len(shape) < 1:
			raise self.moduleError("expected input of shape (batch, ...), got a 0-d array")


	def dataShapeFrom(self, shape):
		return (shape[0], int(np.prod(shape[1:], dtype=np.int64)))
