"""AdaGrad (Duchi, Hazan & Singer 2011), PyTorch semantics."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Optimizer import Optimizer


# s += g^2; theta -= lr * g / (sqrt(s) + eps)
adagradKernel = ElementwiseKernel(
	"T *param, const T *grad, T *s, T lr, T eps",
	"T g = grad[i]; T si = s[i] + g * g; s[i] = si; param[i] -= lr * g / (sqrtf(si) + eps)",
	"adagradStep"
)


class AdaGrad(Optimizer):
	"""AdaGrad(learnRate=1e-2, epsilon=1e-10, nodeinfo=None): s += g^2; theta -= lr g / (sqrt(s) + eps) (torch.optim.Adagrad)."""
	hyperparameters = ("learnRate", "epsilon")


	def __init__(self, learnRate=1e-2, epsilon=1e-10, nodeinfo=None):
		super().__init__(learnRate, nodeinfo)
		self.epsilon = self.checkParam("epsilon", epsilon, low=0.0)


	def setupState(self, var):
		return {"s": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		adagradKernel(var.data, var.grad, state["s"], lr, self.epsilon, range=range)
