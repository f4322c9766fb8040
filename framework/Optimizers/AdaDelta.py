"""AdaDelta (Zeiler 2012), PyTorch semantics (with a learning rate, 1.0 by default)."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hyperparameter import Hyperparameter
from framework.Optimizers.Optimizer import Optimizer


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param, updates state."""
	rho, epsilon = opt.rho, opt.epsilon
	s = state["s"] = rho * state["s"] + (1 - rho) * grad * grad  # average of g^2
	d = np.sqrt(state["u"] + epsilon) / np.sqrt(s + epsilon) * grad  # the step, in the units of theta
	state["u"] = rho * state["u"] + (1 - rho) * d * d  # average of d^2
	return param - lr * d  # theta -= lr d


adadeltaKernel = ElementwiseKernel("T *param, const T *grad, T *s, T *u, T lr, T rho, T epsilon", "; ".join([
	"T g = grad[i]; T si = rho * s[i] + (1.0 - rho) * g * g; s[i] = si",  # average of g^2
	"T d = sqrtf(u[i] + epsilon) / sqrtf(si + epsilon) * g",  # the step, in the units of theta
	"u[i] = rho * u[i] + (1.0 - rho) * d * d",  # average of d^2
	"param[i] -= lr * d",  # theta -= lr d
]), "adadeltaStep")


class AdaDelta(Optimizer):
	"""AdaDelta(learnRate=1.0, rho=0.9, epsilon=1e-6, nodeinfo=None).

	s = rho s + (1-rho) g^2; d = sqrt(u + eps)/sqrt(s + eps) g; u = rho u + (1-rho) d^2; theta -= lr d
	(torch.optim.Adadelta; Zeiler, arXiv:1212.5701).
	"""
	learnRate = Hyperparameter(1.0, low=0.0)
	rho = Hyperparameter(0.9, low=0.0, high=1.0)
	# eps = 0 gives 0/0 on the first step and wherever a gradient has always been zero
	epsilon = Hyperparameter(1e-6, low=0.0, lowOpen=True)
	tuned = {"learnRate": 1.0}


	def setupState(self, var):
		return {"s": gpuarray.zeros_like(var.data), "u": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		adadeltaKernel(var.data, var.grad, state["s"], state["u"], lr, self.rho, self.epsilon, range=range)
