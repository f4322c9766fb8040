"""Coupled L2 weight decay as a gradient hook."""
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hooks.Hook import PenaltyHook


# g += rate * theta
weightDecayKernel = ElementwiseKernel("T *grad, const T *param, T rate", "grad[i] += rate * param[i]", "weightDecayHook")


class WeightDecay(PenaltyHook):
	"""WeightDecay(rate): g += rate x var.weightDecay x theta (L2 penalty rate/2 |theta|^2, as torch's weight_decay)."""
	kernel = weightDecayKernel
