"""Kullback-Leibler divergence of a predicted log-distribution from a target distribution."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Cost.Cost import Cost


# 0 log 0 = 0, as PyTorch's xlogy; that leaves -t x where t = 0, so a NaN (or infinite) x still gives NaN there,
# and a NaN target fails the test and gives NaN through -t x.
klError = ReductionKernel(
	np.float64, "0", "a + b",
	"target[i] > 0.0 ? scale * (double)(target[i] * (logf(target[i]) - x[i])) : -scale * (double)(target[i] * x[i])",
	"const T *x, const T *target, double scale", "klError"
)

klGrad = ElementwiseKernel("T *grad, const T *target, T scale", "grad[i] = -scale * target[i]", "klGrad")


class KLDivergence(Cost):
	"""KLDivergence(reduction="mean"): l = t (log t - x), x = log-probabilities, t = probabilities (0 log 0 = 0).

	reduction="mean": L = mean(l) over every element, torch.nn.KLDivLoss(reduction="mean");
	reduction="batchmean": L = sum(l) / batch, torch's reduction="batchmean", the true KL divergence per sample.
	"""

	def __init__(self, reduction="mean"):
		super().__init__()
		if reduction not in ("mean", "batchmean"):
			raise ValueError("KLDivergence: reduction must be 'mean' or 'batchmean', got %r" % (reduction, ))
		self.reduction = reduction


	def scale(self, pred):
		return 1.0 / (pred.size if self.reduction == "mean" else pred.shape[0])


	def calcError(self, pred, target):
		return klError(pred, target, self.scale(pred))


	def calcGrad(self, pred, target):
		grad = gpuarray.empty_like(pred)
		klGrad(grad, target, self.scale(pred))
		return grad
