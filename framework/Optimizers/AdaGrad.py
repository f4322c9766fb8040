"""AdaGrad (Duchi, Hazan & Singer 2011), PyTorch semantics."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hyperparameter import Hyperparameter
from framework.Optimizers.Optimizer import Optimizer


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param, updates state."""
	s = state["s"] = state["s"] + grad * grad  # sum of squared gradients
	return param - lr * grad / (np.sqrt(s) + opt.epsilon)  # theta -= lr g / (sqrt(s) + eps)


adagradKernel = ElementwiseKernel("T *param, const T *grad, T *s, T lr, T epsilon", "; ".join([
	"T si = s[i] + grad[i] * grad[i]; s[i] = si",  # sum of squared gradients
	"param[i] -= lr * grad[i] / (sqrtf(si) + epsilon)",  # theta -= lr g / (sqrt(s) + eps)
]), "adagradStep")


class AdaGrad(Optimizer):
	"""AdaGrad(learnRate=1e-2, epsilon=1e-10, nodeinfo=None): s += g^2; theta -= lr g / (sqrt(s) + eps).

	torch.optim.Adagrad; Duchi, Hazan & Singer, JMLR 2011.
	"""
	learnRate = Hyperparameter(1e-2, low=0.0)
	# eps = 0 gives 0/0 where a gradient has always been zero
	epsilon = Hyperparameter(1e-10, low=0.0, lowOpen=True)
	tuned = {"learnRate": 0.02}


	def setupState(self, var):
		return {"s": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		adagradKernel(var.data, var.grad, state["s"], lr, self.epsilon, range=range)
