"""Gradient clipping by value as a hook."""
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hooks.Hook import Hook


# g = min(max(g, -limit), limit); ternaries keep NaN handling exact and the loop vectorised
clipValueKernel = ElementwiseKernel(
	"T *grad, T limit", "T g = grad[i]; grad[i] = g > limit ? limit : (g < -limit ? -limit : g)", "clipGradValueHook"
)


class ClipGradValue(Hook):
	"""ClipGradValue(limit): g = clamp(g, -limit, limit) (torch.nn.utils.clip_grad_value_)."""

	def __init__(self, limit):
		self.limit = self.checkParam("limit", limit)


	def __call__(self, groups):
		for group in groups:
			clipValueKernel(group.grad, self.limit, range=group.range)
