"""SMORMS3 (Simon Funk, 2015): RMSProp whose averaging window adapts to how noisy each gradient is."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Optimizer import Optimizer


# r = 1/(mem+1); m = (1-r) m + r g; q = (1-r) q + r g^2; x = m^2 / (q + eps);
# theta -= g min(lr, x) / (sqrt(q) + eps); mem = 1 + mem (1 - x)
smorms3Kernel = ElementwiseKernel(
	"T *param, const T *grad, T *mem, T *m, T *q, T lr, T eps",
	"T g = grad[i]; T mm = mem[i];"
	"T r = 1.0 / (mm + 1.0);"
	"T mi = (1.0 - r) * m[i] + r * g; m[i] = mi;"
	"T qi = (1.0 - r) * q[i] + r * g * g; q[i] = qi;"
	"T x = mi * mi / (qi + eps);"
	"param[i] -= g * (x < lr ? x : lr) / (sqrtf(qi) + eps);"
	"mem[i] = 1.0 + mm * (1.0 - x)",
	"smorms3Step"
)


class SMORMS3(Optimizer):
	"""SMORMS3(learnRate=1e-3, epsilon=1e-16, nodeinfo=None).

	r = 1/(mem+1); m = (1-r) m + r g; q = (1-r) q + r g^2; x = m^2/(q + eps);
	theta -= g min(lr, x)/(sqrt(q) + eps); mem = 1 + mem (1 - x); mem starts at 1
	(Funk, "RMSprop loses to SMORMS3 - Beware the Epsilon!", 2015).
	"""
	hyperparameters = ("learnRate", "epsilon")


	def __init__(self, learnRate=1e-3, epsilon=1e-16, nodeinfo=None):
		super().__init__(learnRate, nodeinfo)
		# eps = 0 would make x = 0/0 wherever a gradient has always been zero
		self.epsilon = self.checkParam("epsilon", epsilon, low=0.0, lowOpen=True)


	def setupState(self, var):
		mem = gpuarray.empty_like(var.data)
		mem.fill(1.0)
		return {"mem": mem, "m": gpuarray.zeros_like(var.data), "q": gpuarray.zeros_like(var.data)}


	def updateVar(self, var, state, lr, range):
		smorms3Kernel(var.data, var.grad, state["mem"], state["m"], state["q"], lr, self.epsilon, range=range)
