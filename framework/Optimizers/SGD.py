"""Plain stochastic gradient descent."""
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hyperparameter import Hyperparameter
from framework.Optimizers.Optimizer import Optimizer


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param."""
	return param - lr * grad  # theta -= lr g


sgdKernel = ElementwiseKernel("T *param, const T *grad, T lr", "; ".join([
	"param[i] -= lr * grad[i]",  # theta -= lr g
]), "sgdStep")


class SGD(Optimizer):
	"""SGD(learnRate=1e-3, nodeinfo=None): theta -= lr * g (Robbins & Monro, 1951; torch.optim.SGD)."""
	learnRate = Hyperparameter(1e-3, low=0.0)
	tuned = {"learnRate": 0.1}


	def setupState(self, var):
		return {}


	def updateVar(self, var, state, lr, range):
		sgdKernel(var.data, var.grad, lr, range=range)
