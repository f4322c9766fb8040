"""Plain stochastic gradient descent."""
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Optimizer import Optimizer


# theta -= lr * g
sgdKernel = ElementwiseKernel("T *param, const T *grad, T lr", "param[i] -= lr * grad[i]", "sgdStep")


class SGD(Optimizer):
	"""SGD(learnRate=1e-3, nodeinfo=None): theta -= lr * g."""

	def __init__(self, learnRate=1e-3, nodeinfo=None):
		super().__init__(learnRate, nodeinfo)


	def setupState(self, var):
		return {}


	def updateVar(self, var, state, lr, range):
		sgdKernel(var.data, var.grad, lr, range=range)
