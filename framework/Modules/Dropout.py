"""Inverted dropout: training scales the kept units by 1 / (1 - p), so evaluation is the identity."""
import numbers

from framework.Backend import Rng, gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Module import Module

# On entry mask holds U[0, 1) samples; it leaves as the scaled keep mask the backward pass reuses.
dropoutForward = ElementwiseKernel(
	"T *y, T *mask, const T *x, T p, T scale",
	"T m = mask[i] >= p ? scale : (T)0; mask[i] = m; y[i] = x[i] * m",
	"dropoutForward"
)

dropoutBackward = ElementwiseKernel("T *dx, const T *grad, const T *mask", "dx[i] = grad[i] * mask[i]", "dropoutBackward")


class Dropout(Module):
	"""Training: y = x * m / (1 - p), m ~ Bernoulli(1 - p) per element (Rng.fillUniform); evaluation: y = x.

	Dropout(p=0.5, name=None), 0 <= p < 1.
	"""

	def __init__(self, p=0.5, name=None):
		super().__init__(name)
		if not isinstance(p, numbers.Real) or isinstance(p, bool) or not 0 <= p < 1:
			raise ValueError("%s: p must be a number in [0, 1), got %r" % (self.describe(), p))
		self.p = float(p)
		self.mask = None


	def updateData(self, data):
		if not self.train or self.p == 0:
			self.mask = None
			return data

		self.mask = Rng.fillUniform(gpuarray.empty_like(data), 0.0, 1.0)
		out = gpuarray.empty_like(data)
		dropoutForward(out, self.mask, data, self.p, 1.0 / (1.0 - self.p))
		return out


	def updateGrad(self, grad):
		if self.mask is None:
			return grad

		dx = gpuarray.empty_like(grad)
		dropoutBackward(dx, grad, self.mask)
		return dx
