"""SGD with heavy-ball momentum, PyTorch semantics (the learning rate stays outside the buffer)."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Optimizer import Optimizer


# v = mu * v + g; theta -= lr * v
momentumKernel = ElementwiseKernel(
	"T *param, const T *grad, T *v, T lr, T mu",
	"T vi = mu * v[i] + grad[i]; v[i] = vi; param[i] -= lr * vi",
	"momentumSgdStep"
)


class MomentumSGD(Optimizer):
	"""MomentumSGD(learnRate=1e-3, momRate=0.9, nodeinfo=None): v = mu v + g; theta -= lr v.

	mu = momRate x var.momRate; torch.optim.SGD(momentum=mu, dampening=0).
	"""
	hyperparameters = ("learnRate", "momRate")
	kernel = momentumKernel


	def __init__(self, learnRate=1e-3, momRate=0.9, nodeinfo=None):
		super().__init__(learnRate, nodeinfo)
		self.momRate = self.checkParam("momRate", momRate, low=0.0, high=1.0, highOpen=True)


	def setupState(self, var):
		return {"v": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		self.kernel(var.data, var.grad, state["v"], lr, self.momRate * var.momRate, range=range)
