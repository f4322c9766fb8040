"""Mean squared error."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Cost.Cost import Cost


mseError = ReductionKernel(
	np.float64, "0", "a + b", "scale * (double)((pred[i] - target[i]) * (pred[i] - target[i]))",
	"const T *pred, const T *target, double scale", "mseError"
)

mseGrad = ElementwiseKernel(
	"T *grad, const T *pred, const T *target, T scale", "grad[i] = scale * (pred[i] - target[i])", "mseGrad"
)


class MSE(Cost):
	"""MSE(): L = mean((pred - target)^2) over every element, as torch.nn.MSELoss(reduction="mean")."""

	def calcError(self, pred, target):
		return mseError(pred, target, 1.0 / pred.size)


	def calcGrad(self, pred, target):
		grad = gpuarray.empty_like(pred)
		mseGrad(grad, pred, target, 2.0 / pred.size)
		return grad
