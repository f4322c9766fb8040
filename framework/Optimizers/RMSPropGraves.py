"""RMSProp as Graves (2013) defines it: centered, eps inside the square root, momentum on the step."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Optimizer import Optimizer


# (the kernel calls n `nn`: `n` is the element count in every kernel)
# n = a n + (1-a) g^2; m = a m + (1-a) g; delta = mu delta - lr g / sqrt(max(n - m^2, 0) + eps); theta += delta
gravesKernel = ElementwiseKernel(
	"T *param, const T *grad, T *nn, T *m, T *delta, T lr, T alpha, T mu, T eps",
	"T g = grad[i];"
	"T ni = alpha * nn[i] + (1.0 - alpha) * g * g; nn[i] = ni;"
	"T mi = alpha * m[i] + (1.0 - alpha) * g; m[i] = mi;"
	"T v = ni - mi * mi; v = v > 0.0 ? v : 0.0;"
	"T di = mu * delta[i] - lr * g / sqrtf(v + eps); delta[i] = di;"
	"param[i] += di",
	"rmspropGravesStep"
)


class RMSPropGraves(Optimizer):
	"""RMSPropGraves(learnRate=1e-4, alpha=0.95, momRate=0.9, epsilon=1e-4, nodeinfo=None).

	n = a n + (1-a) g^2; m = a m + (1-a) g; delta = mu delta - lr g / sqrt(n - m^2 + eps); theta += delta
	(Graves, arXiv:1308.0850, eqs. 38-41; n - m^2 clamped at 0; mu = momRate x var.momRate).
	Some write-ups print the denominator as m - v^2 with the two averages swapped; that is a typo:
	n is the average of g^2 and m the average of g, as in the paper, Chainer and nnabla.
	"""
	hyperparameters = ("learnRate", "alpha", "momRate", "epsilon")


	def __init__(self, learnRate=1e-4, alpha=0.95, momRate=0.9, epsilon=1e-4, nodeinfo=None):
		super().__init__(learnRate, nodeinfo)
		self.alpha = self.checkParam("alpha", alpha, low=0.0, high=1.0, highOpen=True)
		self.momRate = self.checkParam("momRate", momRate, low=0.0, high=1.0, highOpen=True)
		self.epsilon = self.checkParam("epsilon", epsilon, low=0.0)


	def setupState(self, var):
		return {name: gpuarray.zeros_like(var.data) for name in ("n", "m", "delta")}


	def updateVar(self, var, state, lr, range):
		gravesKernel(
			var.data, var.grad, state["n"], state["m"], state["delta"], lr, self.alpha, self.momRate * var.momRate,
			self.epsilon, range=range
		)
