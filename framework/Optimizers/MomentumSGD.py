"""SGD with heavy-ball momentum, PyTorch semantics (the learning rate stays outside the buffer)."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hyperparameter import Hyperparameter
from framework.Optimizers.Optimizer import Optimizer


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param, updates state."""
	mu = opt.momRate * var.momRate
	v = state["v"] = mu * state["v"] + grad  # velocity: v = mu v + g
	return param - lr * v  # theta -= lr v


momentumKernel = ElementwiseKernel("T *param, const T *grad, T *v, T lr, T mu", "; ".join([
	"T vi = mu * v[i] + grad[i]; v[i] = vi",  # velocity: v = mu v + g
	"param[i] -= lr * vi",  # theta -= lr v
]), "momentumSgdStep")


class MomentumSGD(Optimizer):
	"""MomentumSGD(learnRate=1e-3, momRate=0.9, nodeinfo=None): v = mu v + g; theta -= lr v.

	mu = momRate x var.momRate; torch.optim.SGD(momentum=mu, dampening=0) (Polyak, 1964).
	"""
	learnRate = Hyperparameter(1e-3, low=0.0)
	momRate = Hyperparameter(0.9, low=0.0, high=1.0, highOpen=True)
	tuned = {"learnRate": 0.02}
	kernel = momentumKernel


	def setupState(self, var):
		return {"v": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		self.kernel(var.data, var.grad, state["v"], lr, self.momRate * var.momRate, range=range)
