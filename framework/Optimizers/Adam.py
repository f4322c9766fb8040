"""Adam with bias correction, PyTorch semantics (Kingma & Ba 2015)."""
import math

import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hyperparameter import Hyperparameter
from framework.Optimizers.Optimizer import Optimizer


def hostScalars(opt, lr):
	"""The bias corrections, computed once per step on the host: stepSize = lr / (1 - b1^t), rc2 = 1 / sqrt(1 - b2^t)."""
	return lr / (1.0 - opt.beta1 ** opt.t), 1.0 / math.sqrt(1.0 - opt.beta2 ** opt.t)


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param, updates state."""
	beta1, beta2, epsilon = opt.beta1, opt.beta2, opt.epsilon
	stepSize, rc2 = hostScalars(opt, lr)
	m = state["m"] = beta1 * state["m"] + (1 - beta1) * grad  # average of g
	v = state["v"] = beta2 * state["v"] + (1 - beta2) * grad * grad  # average of g^2
	return param - stepSize * m / (np.sqrt(v) * rc2 + epsilon)  # theta -= lr m^ / (sqrt(v^) + eps), m^ and v^ bias-corrected


adamKernel = ElementwiseKernel("T *param, const T *grad, T *m, T *v, T stepSize, T beta1, T beta2, T rc2, T epsilon", "; ".join([
	"T g = grad[i]; T mi = beta1 * m[i] + (1.0 - beta1) * g; m[i] = mi",  # average of g
	"T vi = beta2 * v[i] + (1.0 - beta2) * g * g; v[i] = vi",  # average of g^2
	"param[i] -= stepSize * mi / (sqrtf(vi) * rc2 + epsilon)",  # theta -= lr m^ / (sqrt(v^) + eps), m^ and v^ bias-corrected
]), "adamStep")


class Adam(Optimizer):
	"""Adam(learnRate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, nodeinfo=None).

	m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; theta -= lr/(1-b1^t) * m / (sqrt(v/(1-b2^t)) + eps)
	(torch.optim.Adam; Kingma & Ba, ICLR 2015).
	"""
	learnRate = Hyperparameter(1e-3, low=0.0)
	beta1 = Hyperparameter(0.9, low=0.0, high=1.0, highOpen=True)
	beta2 = Hyperparameter(0.999, low=0.0, high=1.0, highOpen=True)
	# eps = 0 gives 0/0 where a gradient has always been zero
	epsilon = Hyperparameter(1e-8, low=0.0, lowOpen=True)
	tuned = {"learnRate": 1e-3}


	def setupState(self, var):
		return {"m": gpuarray.zeros_like(var.data), "v": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		stepSize, rc2 = hostScalars(self, lr)
		adamKernel(var.data, var.grad, state["m"], state["v"], stepSize, self.beta1, self.beta2, rc2, self.epsilon, range=range)
