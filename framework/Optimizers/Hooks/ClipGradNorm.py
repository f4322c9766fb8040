"""Gradient clipping by the global L2 norm over all parameters as a hook, computed on the device."""
import math

from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Optimizers.Hooks.Hook import Hook


# |g|^2 over a range; accumulated in double so millions of float32 squares keep their precision
sumSquaresKernel = ReductionKernel("double", "0", "a + b", "(double)grad[i] * (double)grad[i]", "const T *grad", "sumSquaresHook")

# total += part, on the device: the parts of all groups add up without a read back to the host
accumulateKernel = ElementwiseKernel("double *total, const double *part", "total[i] += part[i]", "clipGradNormSum")

# scale = maxNorm / (sqrt(total) + eps) in double, rounded to T once as a host-side scale would be; applied when < 1
# (eps = 1e-6 comes as an argument: a literal would be rounded to float in the float32 instance)
scaleKernel = ElementwiseKernel(
	"T *grad, const double *total, double maxNorm, double eps",
	"T scale = (T)(maxNorm / (sqrt(total[0]) + eps)); if (scale < 1.0) grad[i] *= scale",
	"clipGradNormHook"
)


class ClipGradNorm(Hook):
	"""ClipGradNorm(maxNorm): total = sqrt(sum over all parameters of g^2); if total > maxNorm: g *= maxNorm/(total + 1e-6).

	As torch.nn.utils.clip_grad_norm_. One reduction per group (one over each dtype's whole buffer in global
	state without mixed multipliers), summed and applied on the device: no host read per step. `lastNorm`
	reads the last step's norm back when asked.
	"""

	def __init__(self, maxNorm):
		self.maxNorm = self.checkParam("maxNorm", maxNorm)
		self.total = None  # device scalar: the last step's sum of squares


	def __call__(self, groups):
		if not groups:
			return
		parts = [sumSquaresKernel(group.grad, range=group.range) for group in groups]
		total = parts[0]
		for part in parts[1:]:
			accumulateKernel(total, part)
		for group in groups:
			scaleKernel(group.grad, total, self.maxNorm, 1e-6, range=group.range)
		self.total = total


	@property
	def lastNorm(self):
		"""The global norm of the last step's gradients (read from the device), or None before the first step."""
		return None if self.total is None else math.sqrt(float(self.total.get()))


	def __repr__(self):
		return "ClipGradNorm(maxNorm=%r)" % self.maxNorm
