"""AdaDelta (Zeiler 2012), PyTorch semantics (with a learning rate, 1.0 by default)."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Optimizer import Optimizer


# s = rho s + (1-rho) g^2; d = sqrt(u + eps) / sqrt(s + eps) * g; u = rho u + (1-rho) d^2; theta -= lr d
adadeltaKernel = ElementwiseKernel(
	"T *param, const T *grad, T *s, T *u, T lr, T rho, T eps",
	"T g = grad[i];"
	"T si = rho * s[i] + (1.0 - rho) * g * g; s[i] = si;"
	"T d = sqrtf(u[i] + eps) / sqrtf(si + eps) * g;"
	"u[i] = rho * u[i] + (1.0 - rho) * d * d;"
	"param[i] -= lr * d",
	"adadeltaStep"
)


class AdaDelta(Optimizer):
	"""AdaDelta(learnRate=1.0, rho=0.9, epsilon=1e-6, nodeinfo=None).

	s = rho s + (1-rho) g^2; d = sqrt(u + eps)/sqrt(s + eps) g; u = rho u + (1-rho) d^2; theta -= lr d
	(torch.optim.Adadelta; Zeiler, arXiv:1212.5701).
	"""
	hyperparameters = ("learnRate", "rho", "epsilon")


	def __init__(self, learnRate=1.0, rho=0.9, epsilon=1e-6, nodeinfo=None):
		super().__init__(learnRate, nodeinfo)
		self.rho = self.checkParam("rho", rho, low=0.0, high=1.0)
		self.epsilon = self.checkParam("epsilon", epsilon, low=0.0)


	def setupState(self, var):
		return {"s": gpuarray.zeros_like(var.data), "u": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		adadeltaKernel(var.data, var.grad, state["s"], state["u"], lr, self.rho, self.epsilon, range=range)
