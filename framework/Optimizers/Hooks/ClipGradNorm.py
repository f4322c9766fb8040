"""Gradient clipping by the global L2 norm over all parameters as a hook."""
import math

from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Optimizers.Hooks.Hook import Hook


# |g|^2 over a range; accumulated in double so millions of float32 squares keep their precision
sumSquaresKernel = ReductionKernel("double", "0", "a + b", "(double)grad[i] * (double)grad[i]", "const T *grad", "sumSquaresHook")

scaleKernel = ElementwiseKernel("T *grad, T scale", "grad[i] *= scale", "clipGradNormHook")


class ClipGradNorm(Hook):
	"""ClipGradNorm(maxNorm): total = sqrt(sum over all parameters of g^2); if total > maxNorm: g *= maxNorm/(total + 1e-6).

	As torch.nn.utils.clip_grad_norm_. One reduction per group (one over each dtype's whole buffer in global
	mode without mixed multipliers), per variable in local mode, summed; the total costs one host sync per step.
	"""

	def __init__(self, maxNorm):
		self.maxNorm = self.checkParam("maxNorm", maxNorm)
		self.lastNorm = None


	def __call__(self, launches):
		# every reduction is queued before the first read, so a device waits once per step, not once per launch
		parts = [sumSquaresKernel(launch.var.grad, range=launch.range) for launch in launches]
		self.lastNorm = math.sqrt(sum(float(part.get()) for part in parts))
		scale = self.maxNorm / (self.lastNorm + 1e-6)
		if scale < 1.0:
			for launch in launches:
				scaleKernel(launch.var.grad, scale, range=launch.range)
