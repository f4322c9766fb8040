"""Exchanges two axes of the input, e.g. batch-major (batch, T, features) to the time-major layout RNN reads."""
import math

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Module import Module
from framework.Modules.Utils import checkInt

# The input seen as (A, P, M, Q, Z) with the swapped axes of sizes P and Q; the output is (A, Q, M, P, Z). Each
# output element i is decomposed into (a, q, m, p, z) from the right and read from its place in the input.
swapKernel = ElementwiseKernel(
	"T *out, const T *x, long P, long M, long Q, long Z",
	"""
	long r = i / Z, z = i - r * Z;
	long p = r % P; r /= P;
	long m = r % M; r /= M;
	long q = r % Q, a = r / Q;
	out[i] = x[(((a * P + p) * M + m) * Q + q) * Z + z];
	""",
	"swapAxes"
)


class SwapAxes(Module):
	"""y = x with axes axis1 and axis2 exchanged (numpy.swapaxes), copied into a contiguous array.

	SwapAxes(axis1, axis2, name=None); the axes count from 0, the batch axis included. The gradient swaps back.
	"""

	def __init__(self, axis1, axis2, name=None):
		super().__init__(name)
		axis1 = checkInt(self.describe(), "axis1", axis1, 0)
		axis2 = checkInt(self.describe(), "axis2", axis2, 0)
		self.axis1, self.axis2 = min(axis1, axis2), max(axis1, axis2)


	def _swap(self, ary, shape):
		"""Swaps self.axis1 and self.axis2 of ary, whose shape is `shape` (before the swap)."""
		a, b = self.axis1, self.axis2
		out = gpuarray.empty(self._swapped(shape), ary.dtype)
		if a == b:  # nothing moves: one contiguous copy
			swapKernel(out, ary, 1, 1, 1, out.size)
		else:
			swapKernel(out, ary, shape[a], math.prod(shape[a + 1:b]), shape[b], math.prod(shape[b + 1:]))
		return out


	def _swapped(self, shape):
		shape = list(shape)
		shape[self.axis1], shape[self.axis2] = shape[self.axis2], shape[self.axis1]
		return tuple(shape)


	def updateData(self, data):
		return self._swap(data, data.shape)


	def updateGrad(self, grad):
		return self._swap(grad, grad.shape)


	def checkDataShape(self, shape):
		if self.axis2 >= len(shape):
			raise self.moduleError("axes %d and %d need an input with at least %d axes, got shape %s" % (
				self.axis1, self.axis2, self.axis2 + 1, tuple(shape)
			))


	def dataShapeFrom(self, shape):
		return self._swapped(shape)
