"""SGD with Nesterov momentum, PyTorch semantics."""
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.MomentumSGD import MomentumSGD


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param, updates state."""
	mu = opt.momRate * var.momRate
	v = state["v"] = mu * state["v"] + grad  # velocity: v = mu v + g
	return param - lr * (grad + mu * v)  # look ahead: theta -= lr (g + mu v)


nesterovKernel = ElementwiseKernel("T *param, const T *grad, T *v, T lr, T mu", "; ".join([
	"T vi = mu * v[i] + grad[i]; v[i] = vi",  # velocity: v = mu v + g
	"param[i] -= lr * (grad[i] + mu * vi)",  # look ahead: theta -= lr (g + mu v)
]), "nesterovSgdStep")


class NesterovSGD(MomentumSGD):
	"""NesterovSGD(learnRate=1e-3, momRate=0.9, nodeinfo=None): v = mu v + g; theta -= lr (g + mu v).

	mu = momRate x var.momRate; torch.optim.SGD(momentum=mu, nesterov=True) (Sutskever et al., 2013).
	"""
	kernel = nesterovKernel
