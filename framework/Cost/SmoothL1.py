"""Huber-like smooth L1 error."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Cost.Cost import Cost


smoothL1Error = ReductionKernel(
	np.float64, "0", "a + b",
	"scale * (double)(fabsf(pred[i] - target[i]) < beta ? "
	"0.5 * (pred[i] - target[i]) * (pred[i] - target[i]) / beta : fabsf(pred[i] - target[i]) - 0.5 * beta)",
	"const T *pred, const T *target, T beta, double scale", "smoothL1Error"
)

smoothL1Grad = ElementwiseKernel(
	"T *grad, const T *pred, const T *target, T beta, T scale",
	"""
	T d = pred[i] - target[i];
	// sign(d), written d where d is 0 or NaN: the subgradient 0 at 0, and a NaN difference stays NaN
	grad[i] = scale * (fabsf(d) < beta ? d / beta : (d > 0.0 ? 1.0 : (d < 0.0 ? -1.0 : d)));
	""",
	"smoothL1Grad"
)


class SmoothL1(Cost):
	"""SmoothL1(beta=1.0): l = 0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta, d = pred - target; L = mean(l).

	Equals torch.nn.SmoothL1Loss(reduction="mean", beta=beta); beta=0 is the L1 loss.
	"""

	def __init__(self, beta=1.0):
		super().__init__()
		if not isinstance(beta, (int, float)) or isinstance(beta, bool) or beta < 0:
			raise ValueError("SmoothL1: beta must be a number >= 0, got %r" % (beta, ))
		self.beta = float(beta)


	def calcError(self, pred, target):
		return smoothL1Error(pred, target, self.beta, 1.0 / pred.size)


	def calcGrad(self, pred, target):
		grad = gpuarray.empty_like(pred)
		smoothL1Grad(grad, pred, target, self.beta, 1.0 / pred.size)
		return grad
