"""SMORMS3 (Simon Funk, 2015): RMSProp whose averaging window adapts to how noisy each gradient is."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hyperparameter import Hyperparameter
from framework.Optimizers.Optimizer import Optimizer


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param, updates state."""
	epsilon, mem = opt.epsilon, state["mem"]
	r = 1 / (mem + 1)  # the averaging rate from the memory length
	m = state["m"] = (1 - r) * state["m"] + r * grad  # average of g
	q = state["q"] = (1 - r) * state["q"] + r * grad * grad  # average of g^2
	x = m * m / (q + epsilon)  # how consistent the gradient is, in [0, 1]
	param = param - grad * np.minimum(lr, x) / (np.sqrt(q) + epsilon)  # theta -= g min(lr, x) / (sqrt(q) + eps)
	state["mem"] = 1 + mem * (1 - x)  # a noisy gradient shortens the memory
	return param


smorms3Kernel = ElementwiseKernel("T *param, const T *grad, T *mem, T *m, T *q, T lr, T epsilon", "; ".join([
	"T g = grad[i]; T memi = mem[i]; T r = 1.0 / (memi + 1.0)",  # the averaging rate from the memory length
	"T mi = (1.0 - r) * m[i] + r * g; m[i] = mi",  # average of g
	"T qi = (1.0 - r) * q[i] + r * g * g; q[i] = qi",  # average of g^2
	"T x = mi * mi / (qi + epsilon)",  # how consistent the gradient is, in [0, 1]
	"param[i] -= g * (x < lr ? x : lr) / (sqrtf(qi) + epsilon)",  # theta -= g min(lr, x) / (sqrt(q) + eps)
	"mem[i] = 1.0 + memi * (1.0 - x)",  # a noisy gradient shortens the memory
]), "smorms3Step")


class SMORMS3(Optimizer):
	"""SMORMS3(learnRate=1e-3, epsilon=1e-16, nodeinfo=None).

	r = 1/(mem+1); m = (1-r) m + r g; q = (1-r) q + r g^2; x = m^2/(q + eps);
	theta -= g min(lr, x)/(sqrt(q) + eps); mem = 1 + mem (1 - x); mem starts at 1
	(Funk, "RMSprop loses to SMORMS3 - Beware the Epsilon!", 2015).
	"""
	learnRate = Hyperparameter(1e-3, low=0.0)
	# eps = 0 would make x = 0/0 wherever a gradient has always been zero
	epsilon = Hyperparameter(1e-16, low=0.0, lowOpen=True)
	tuned = {"learnRate": 1e-3}


	def setupState(self, var):
		mem = gpuarray.empty_like(var.data)
		mem.fill(1.0)
		return {"mem": mem, "m": gpuarray.zeros_like(var.data), "q": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		smorms3Kernel(var.data, var.grad, state["mem"], state["m"], state["q"], lr, self.epsilon, range=range)
