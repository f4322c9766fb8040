"""RMSProp (Tieleman & Hinton 2012, Lecture 6e), PyTorch semantics plus a clamped centered variance."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Optimizer import Optimizer


def rmspropKernel(centered, momentum, epsInsideSqrt):
	"""One fused kernel for one combination of options (the options select source lines, not runtime branches)."""
	args = ["T *param", "const T *grad", "T *s"] + (["T *m"] if centered else []) + (["T *b"] if momentum else [])
	args += ["T lr", "T alpha", "T eps", "T wd", "T mu"]

	body = [
		"T g = grad[i] + wd * param[i]",
		"T si = alpha * s[i] + (1.0 - alpha) * g * g; s[i] = si",
	]
	if centered:
		# v = s - m^2 can dip below zero in rounding (MXNet #6235): clamp before the sqrt.
		body += ["T mi = alpha * m[i] + (1.0 - alpha) * g; m[i] = mi", "T v = si - mi * mi; v = v > 0.0 ? v : 0.0"]
	else:
		body += ["T v = si"]
	body += ["T d = sqrtf(v + eps)" if epsInsideSqrt else "T d = sqrtf(v) + eps"]
	body += ["T bi = mu * b[i] + g / d; b[i] = bi; param[i] -= lr * bi" if momentum else "param[i] -= lr * g / d"]

	name = "rmspropStep" + "C" * centered + "M" * momentum + "E" * epsInsideSqrt
	return ElementwiseKernel(", ".join(args), "; ".join(body), name)


# s = a s + (1-a) g^2; [m = a m + (1-a) g; v = max(s - m^2, 0)]; d = sqrt(v) + eps | sqrt(v + eps);
# [b = mu b + g/d; theta -= lr b] | theta -= lr g/d
rmspropKernels = {
	(c, m, e): rmspropKernel(c, m, e) for c in (False, True) for m in (False, True) for e in (False, True)
}


class RMSProp(Optimizer):
	"""RMSProp(learnRate=1e-2, alpha=0.99, epsilon=1e-8, weightDecay=0, momentum=0, centered=False, epsInsideSqrt=False, nodeinfo=None).

	g += wd theta; s = a s + (1-a) g^2; centered: m = a m + (1-a) g, v = max(s - m^2, 0), else v = s;
	d = sqrt(v) + eps (sqrt(v + eps) when epsInsideSqrt); momentum: b = mu b + g/d, theta -= lr b; else theta -= lr g/d.
	wd = weightDecay x var.weightDecay, mu = momentum x var.momRate. Equals torch.optim.RMSprop (which does
	not clamp v) for every option but epsInsideSqrt (Chainer's eps_inside_sqrt). Tieleman & Hinton, 2012.
	"""
	hyperparameters = ("learnRate", "alpha", "epsilon", "weightDecay", "momentum", "centered", "epsInsideSqrt")


	def __init__(self, learnRate=1e-2, alpha=0.99, epsilon=1e-8, weightDecay=0.0, momentum=0.0, centered=False,
				 epsInsideSqrt=False, nodeinfo=None):
		super().__init__(learnRate, nodeinfo)
		self.alpha = self.checkParam("alpha", alpha, low=0.0, high=1.0, highOpen=True)
		self.epsilon = self.checkParam("epsilon", epsilon, low=0.0)
		self.weightDecay = self.checkParam("weightDecay", weightDecay, low=0.0)
		self.momentum = self.checkParam("momentum", momentum, low=0.0, high=1.0, highOpen=True)
		self.centered, self.epsInsideSqrt = bool(centered), bool(epsInsideSqrt)


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
