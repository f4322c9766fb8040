"""Adam with bias correction, PyTorch semantics (Kingma & Ba 2015)."""
import math

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Optimizer import Optimizer


# m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; theta -= (lr / c1) * m / (sqrt(v) / sqrt(c2) + eps)
# with c1 = 1 - b1^t, c2 = 1 - b2^t (lrc1 = lr / c1, rc2 = 1 / sqrt(c2) are computed on the host).
adamKernel = ElementwiseKernel(
	"T *param, const T *grad, T *m, T *v, T lrc1, T beta1, T beta2, T rc2, T eps",
	"T g = grad[i];"
	"T mi = beta1 * m[i] + (1.0 - beta1) * g; m[i] = mi;"
	"T vi = beta2 * v[i] + (1.0 - beta2) * g * g; v[i] = vi;"
	"param[i] -= lrc1 * mi / (sqrtf(vi) * rc2 + eps)",
	"adamStep"
)


class Adam(Optimizer):
	"""Adam(learnRate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, nodeinfo=None).

	m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; theta -= lr/(1-b1^t) * m / (sqrt(v/(1-b2^t)) + eps)
	(torch.optim.Adam; Kingma & Ba, ICLR 2015).
	"""
	hyperparameters = ("learnRate", "beta1", "beta2", "epsilon")


	def __init__(self, learnRate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, nodeinfo=None):
		super().__init__(learnRate, nodeinfo)
		self.beta1 = self.checkParam("beta1", beta1, low=0.0, high=1.0, highOpen=True)
		self.beta2 = self.checkParam("beta2", beta2, low=0.0, high=1.0, highOpen=True)
		self.epsilon = self.checkParam("epsilon", epsilon, low=0.0)


	def setupState(self, var):
		return {"m": gpuarray.zeros_like(var.data), "v": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		step = lr / (1.0 - self.beta1 ** self.t)
		rc2 = 1.0 / math.sqrt(1.0 - self.beta2 ** self.t)
		adamKernel(var.data, var.grad, state["m"], state["v"], step, self.beta1, self.beta2, rc2, self.epsilon, range=range)
