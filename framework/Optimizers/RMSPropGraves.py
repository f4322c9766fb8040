"""RMSProp as Graves (2013) defines it: centered, eps inside the square root, momentum on the step."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hyperparameter import Hyperparameter
from framework.Optimizers.Optimizer import Optimizer


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param, updates state."""
	alpha, mu = opt.alpha, opt.momRate * var.momRate
	n = state["n"] = alpha * state["n"] + (1 - alpha) * grad * grad  # average of g^2 (Graves' n)
	m = state["m"] = alpha * state["m"] + (1 - alpha) * grad  # average of g
	v = np.maximum(n - m * m, 0)  # variance, clamped: n - m^2 can round below zero
	delta = state["delta"] = mu * state["delta"] - lr * grad / np.sqrt(v + opt.epsilon)  # delta = mu delta - lr g / sqrt(v + eps)
	return param + delta  # theta += delta


gravesKernel = ElementwiseKernel("T *param, const T *grad, T *n, T *m, T *delta, T lr, T alpha, T mu, T epsilon", "; ".join([
	"T g = grad[i]; T ni = alpha * n[i] + (1.0 - alpha) * g * g; n[i] = ni",  # average of g^2 (Graves' n)
	"T mi = alpha * m[i] + (1.0 - alpha) * g; m[i] = mi",  # average of g
	"T v = ni - mi * mi; v = v > 0.0 ? v : 0.0",  # variance, clamped: n - m^2 can round below zero
	"T di = mu * delta[i] - lr * g / sqrtf(v + epsilon); delta[i] = di",  # delta = mu delta - lr g / sqrt(v + eps)
	"param[i] += di",  # theta += delta
]), "rmspropGravesStep")


class RMSPropGraves(Optimizer):
	"""RMSPropGraves(learnRate=1e-4, alpha=0.95, momRate=0.9, epsilon=1e-4, nodeinfo=None).

	n = a n + (1-a) g^2; m = a m + (1-a) g; delta = mu delta - lr g / sqrt(n - m^2 + eps); theta += delta
	(Graves, arXiv:1308.0850, eqs. 38-41; n - m^2 clamped at 0; mu = momRate x var.momRate).
	Some write-ups print the denominator as m - v^2 with the two averages swapped; that is a typo:
	n is the average of g^2 and m the average of g, as in the paper, Chainer and nnabla.
	"""
	learnRate = Hyperparameter(1e-4, low=0.0)
	alpha = Hyperparameter(0.95, low=0.0, high=1.0, highOpen=True)
	momRate = Hyperparameter(0.9, low=0.0, high=1.0, highOpen=True)
	# eps = 0 gives 0/0 where a gradient has always been zero
	epsilon = Hyperparameter(1e-4, low=0.0, lowOpen=True)
	tuned = {"learnRate": 1e-3}


	def setupState(self, var):
		return {name: gpuarray.zeros_like(var.data) for name in ("n", "m", "delta")}


	def updateVar(self, var, state, lr, range):
		gravesKernel(
			var.data, var.grad, state["n"], state["m"], state["delta"], lr, self.alpha, self.momRate * var.momRate,
			self.epsilon, range=range
		)
