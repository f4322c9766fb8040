"""SGD with Nesterov momentum, PyTorch semantics."""
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.MomentumSGD import MomentumSGD


# v = mu * v + g; theta -= lr * (g + mu * v)
nesterovKernel = ElementwiseKernel(
	"T *param, const T *grad, T *v, T lr, T mu",
	"T g = grad[i]; T vi = mu * v[i] + g; v[i] = vi; param[i] -= lr * (g + mu * vi)",
	"nesterovSgdStep"
)


class NesterovSGD(MomentumSGD):
	"""NesterovSGD(learnRate=1e-3, momRate=0.9, nodeinfo=None): v = mu v + g; theta -= lr (g + mu v).

	mu = momRate x var.momRate; torch.optim.SGD(momentum=mu, nesterov=True).
	"""
	kernel = nesterovKernel
