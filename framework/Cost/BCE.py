"""Binary cross-entropy on logits."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Cost.Cost import Cost


# max(x, 0) - x t + log(1 + exp(-|x|)) is log(1 + exp(x)) - x t without overflow.
bceError = ReductionKernel(
	np.float64, "0", "a + b",
	"scale * (double)((x[i] > 0.0 ? x[i] : 0.0) - x[i] * target[i] + log1pf(expf(-fabsf(x[i]))))",
	"const T *x, const T *target, double scale", "bceError"
)

bceGrad = ElementwiseKernel(
	"T *grad, const T *x, const T *target, T scale", "grad[i] = scale * (1.0 / (1.0 + expf(-x[i])) - target[i])", "bceGrad"
)

# A NaN logit or target is a NaN metric (comparisons with NaN are false and would count it as a hit or a miss).
bceMisses = ReductionKernel(
	np.float64, "0", "a + b",
	"x[i] != x[i] || target[i] != target[i] ? 0.0 / 0.0 : (((x[i] > 0.0) != (target[i] > 0.5)) ? scale : 0.0)",
	"const T *x, const T *target, double scale", "bceMisses"
)


class BCE(Cost):
	"""BCE(): L = mean(log(1 + exp(x)) - x t) over logits x and float targets t in [0, 1].

	Equals torch.nn.BCEWithLogitsLoss(reduction="mean"); validate() gives the error rate of (x > 0) against (t > 0.5).
	"""

	def calcError(self, pred, target):
		return bceError(pred, target, 1.0 / pred.size)


	def calcGrad(self, pred, target):
		grad = gpuarray.empty_like(pred)
		bceGrad(grad, pred, target, 1.0 / pred.size)
		return grad


	def calcVal(self, pred, target):
		return bceMisses(pred, target, 1.0 / pred.size)
