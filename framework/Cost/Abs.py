"""Mean absolute error."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Cost.Cost import Cost


absError = ReductionKernel(
	np.float64, "0", "a + b", "scale * (double)fabsf(pred[i] - target[i])",
	"const T *pred, const T *target, double scale", "absError"
)

# sign(0) = 0, the subgradient PyTorch picks; written scale * d there so that a NaN difference stays NaN.
absGrad = ElementwiseKernel(
	"T *grad, const T *pred, const T *target, T scale",
	"T d = pred[i] - target[i]; grad[i] = d > 0.0 ? scale : (d < 0.0 ? -scale : scale * d)",
	"absGrad"
)


class Abs(Cost):
	"""Abs(): L = mean(|pred - target|), as torch.nn.L1Loss(reduction="mean")."""

	def calcError(self, pred, target):
		return absError(pred, target, 1.0 / pred.size)


	def calcGrad(self, pred, target):
		grad = gpuarray.empty_like(pred)
		absGrad(grad, pred, target, 1.0 / pred.size)
		return grad
