"""L1 (lasso) regularisation as a gradient hook."""
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hooks.Hook import Hook


# g += rate * sign(theta)
l1Kernel = ElementwiseKernel(
	"T *grad, const T *param, T rate", "T w = param[i]; grad[i] += rate * (w > 0.0 ? 1.0 : (w < 0.0 ? -1.0 : 0.0))", "l1Hook"
)


class L1(Hook):
	"""L1(rate): g += rate x var.weightDecay x sign(theta) (penalty rate |theta|_1)."""

	def __init__(self, rate):
		self.rate = self.checkParam("rate", rate)


	def __call__(self, launches):
		for launch in launches:
			rate = self.rate * launch.var.weightDecay
			if rate != 0.0:
				l1Kernel(launch.var.grad, launch.var.data, rate, range=launch.range)
