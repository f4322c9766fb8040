"""L1 (lasso) regularisation as a gradient hook."""
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hooks.Hook import PenaltyHook


# g += rate * sign(theta)
l1Kernel = ElementwiseKernel(
	"T *grad, const T *param, T rate", "T w = param[i]; grad[i] += rate * (w > 0.0 ? 1.0 : (w < 0.0 ? -1.0 : 0.0))", "l1Hook"
)


class L1(PenaltyHook):
	"""L1(rate): g += rate x var.weightDecay x sign(theta) (penalty rate |theta|_1)."""
	kernel = l1Kernel
