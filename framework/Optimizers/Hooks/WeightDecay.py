"""Coupled L2 weight decay as a gradient hook."""
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hooks.Hook import Hook


# g += rate * theta
weightDecayKernel = ElementwiseKernel("T *grad, const T *param, T rate", "grad[i] += rate * param[i]", "weightDecayHook")


class WeightDecay(Hook):
	"""WeightDecay(rate): g += rate x var.weightDecay x theta (L2 penalty rate/2 |theta|^2, as torch's weight_decay)."""

	def __init__(self, rate):
		self.rate = self.checkParam("rate", rate)


	def __call__(self, launches):
		for launch in launches:
			rate = self.rate * launch.var.weightDecay
			if rate != 0.0:
				weightDecayKernel(launch.var.grad, launch.var.data, rate, range=launch.range)
