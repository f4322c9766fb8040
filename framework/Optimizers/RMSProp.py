"""RMSProp (Tieleman & Hinton 2012, Lecture 6e), PyTorch semantics plus a clamped centered variance."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hyperparameter import Hyperparameter
from framework.Optimizers.Optimizer import Optimizer


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param, updates state.
	Centered and momentum follow the state the optimizer was set up with ("m" and "b")."""
	alpha, epsilon = opt.alpha, opt.epsilon
	wd, mu = opt.weightDecay * var.weightDecay, opt.momentum * var.momRate
	g = grad + wd * param  # coupled weight decay
	s = state["s"] = alpha * state["s"] + (1 - alpha) * g * g  # average of g^2
	if "m" in state:
		m = state["m"] = alpha * state["m"] + (1 - alpha) * g  # average of g
		v = np.maximum(s - m * m, 0)  # variance, clamped: s - m^2 can round below zero (MXNet #6235)
	else:
		v = s  # the raw second moment
	if opt.epsInsideSqrt:
		d = np.sqrt(v + epsilon)  # eps inside the root (TF, Keras, Chainer)
	else:
		d = np.sqrt(v) + epsilon  # eps outside the root (PyTorch)
	if "b" in state:
		b = state["b"] = mu * state["b"] + g / d  # momentum on the normalised step
		return param - lr * b  # theta -= lr b
	return param - lr * g / d  # theta -= lr g / d


def rmspropKernel(centered, momentum, epsInsideSqrt):
	"""One fused kernel for one combination of options (the options select source lines, not runtime branches)."""
	args = ["T *param", "const T *grad", "T *s"] + (["T *m"] if centered else []) + (["T *b"] if momentum else [])
	args += ["T lr", "T alpha", "T epsilon", "T wd", "T mu"]

	body = [
		"T g = grad[i] + wd * param[i]",  # coupled weight decay
		"T si = alpha * s[i] + (1.0 - alpha) * g * g; s[i] = si",  # average of g^2
	]
	if centered:
		body += [
			"T mi = alpha * m[i] + (1.0 - alpha) * g; m[i] = mi",  # average of g
			"T v = si - mi * mi; v = v > 0.0 ? v : 0.0",  # variance, clamped: s - m^2 can round below zero (MXNet #6235)
		]
	else:
		body += ["T v = si"]  # the raw second moment
	if epsInsideSqrt:
		body += ["T d = sqrtf(v + epsilon)"]  # eps inside the root (TF, Keras, Chainer)
	else:
		body += ["T d = sqrtf(v) + epsilon"]  # eps outside the root (PyTorch)
	if momentum:
		body += [
			"T bi = mu * b[i] + g / d; b[i] = bi",  # momentum on the normalised step
			"param[i] -= lr * bi",  # theta -= lr b
		]
	else:
		body += ["param[i] -= lr * g / d"]  # theta -= lr g / d

	name = "rmspropStep" + "C" * centered + "M" * momentum + "E" * epsInsideSqrt
	return ElementwiseKernel(", ".join(args), "; ".join(body), name)


rmspropKernels = {
	(c, m, e): rmspropKernel(c, m, e) for c in (False, True) for m in (False, True) for e in (False, True)
}


class RMSProp(Optimizer):
	"""RMSProp(learnRate=1e-2, alpha=0.99, epsilon=1e-8, weightDecay=0.0, momentum=0.0, centered=False, epsInsideSqrt=False, nodeinfo=None).

	g += wd theta; s = a s + (1-a) g^2; centered: m = a m + (1-a) g, v = max(s - m^2, 0), else v = s;
	d = sqrt(v) + eps (sqrt(v + eps) when epsInsideSqrt); momentum: b = mu b + g/d, theta -= lr b; else theta -= lr g/d.
	wd = weightDecay x var.weightDecay, mu = momentum x var.momRate. Equals torch.optim.RMSprop (which does
	not clamp v) for every option but epsInsideSqrt (Chainer's eps_inside_sqrt). Tieleman & Hinton, 2012.
	"""
	learnRate = Hyperparameter(1e-2, low=0.0)
	alpha = Hyperparameter(0.99, low=0.0, high=1.0, highOpen=True)
	# eps = 0 gives 0/0 where a gradient has always been zero
	epsilon = Hyperparameter(1e-8, low=0.0, lowOpen=True)
	weightDecay = Hyperparameter(0.0, low=0.0)
	momentum = Hyperparameter(0.0, low=0.0, high=1.0, highOpen=True)
	centered = Hyperparameter(False)
	epsInsideSqrt = Hyperparameter(False)
	tuned = {"learnRate": 3e-3}


	def setupState(self, var):
		state = {"s": gpuarray.zeros_like(var.data)}
		if self.centered:
			state["m"] = gpuarray.zeros_like(var.data)
		if self.momentum > 0:
			state["b"] = gpuarray.zeros_like(var.data)
		return state


	def updateVar(self, var, state, lr, range):
		centered, momentum = "m" in state, "b" in state
		kernel = rmspropKernels[(centered, momentum, self.epsInsideSqrt)]
		arrays = [var.data, var.grad, state["s"]] + ([state["m"]] if centered else []) + ([state["b"]] if momentum else [])
		kernel(
			*arrays, lr, self.alpha, self.epsilon, self.weightDecay * var.weightDecay, self.momentum * var.momRate, range=range
		)
