"""Resilient backpropagation in its four classic variants (Riedmiller & Braun 1993; Igel & Huesken 2000)."""
import math

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Optimizer import Optimizer

VARIANTS = ("Rprop+", "Rprop-", "iRprop+", "iRprop-")


def rpropKernel(variant):
	"""One fused kernel per variant. With p = prev * g:
	p > 0: s = min(s eta+, smax); p < 0: s = max(s eta-, smin) (s is clamped to [smin, smax] every step, as torch does);
	Rprop-:  theta -= sign(g) s; prev = g
	iRprop-: p < 0: g = 0 (no move); theta -= sign(g) s; prev = g
	Rprop+:  p >= 0: dw = -sign(g) s; theta += dw; prev = g.  p < 0: theta -= dw (undo the last move), dw = -dw, prev = 0
	iRprop+: as Rprop+, but on p < 0 the last move is undone only if the error rose (errorRose = 1), else dw = 0.
	"""
	plus = variant in ("Rprop+", "iRprop+")
	args = "T *param, const T *grad, T *prev, T *step" + (", T *dw" if plus else "") + ", T etaMinus, T etaPlus, T stepMin, T stepMax"
	args += ", int errorRose" if variant == "iRprop+" else ""

	body = [
		"T g = grad[i]; T p = prev[i] * g; T s = step[i]",
		"s = p > 0.0 ? s * etaPlus : (p < 0.0 ? s * etaMinus : s)",
		"s = s > stepMax ? stepMax : (s < stepMin ? stepMin : s); step[i] = s",
	]
	if variant == "Rprop-":
		body += ["param[i] -= (g > 0.0 ? s : (g < 0.0 ? -s : 0.0)); prev[i] = g"]
	elif variant == "iRprop-":
		body += ["g = p < 0.0 ? 0.0 : g", "param[i] -= (g > 0.0 ? s : (g < 0.0 ? -s : 0.0)); prev[i] = g"]
	else:
		backtrack = "1" if variant == "Rprop+" else "errorRose"
		body += [
			"T move = p < 0.0 ? (%s ? -dw[i] : 0.0) : (g > 0.0 ? -s : (g < 0.0 ? s : 0.0))" % backtrack,
			"param[i] += move; dw[i] = move; prev[i] = p < 0.0 ? 0.0 : g",
		]

	name = {"Rprop+": "rpropPlusStep", "Rprop-": "rpropMinusStep", "iRprop+": "irpropPlusStep", "iRprop-": "irpropMinusStep"}[variant]
	return ElementwiseKernel(args, "; ".join(body), name)


rpropKernels = {variant: rpropKernel(variant) for variant in VARIANTS}


class Rprop(Optimizer):
	"""Rprop(learnRate=1e-2, etas=(0.5, 1.2), stepSizes=(1e-6, 50), variant="iRprop-", nodeinfo=None).

	Per element a step size s (starting at learnRate x var.learnRate, then adapted on its own: later changes of
	learnRate have no effect, as in torch): same gradient sign as last step: s = min(s eta+, smax); sign flip:
	s = max(s eta-, smin); the move is -sign(g) s. On a flip "Rprop+" undoes the last move, "Rprop-" keeps moving,
	"iRprop-" (default; = torch.optim.Rprop) does not move and forgets the gradient, "iRprop+" undoes the last move
	only if the error rose: call update(error=loss) with a full-batch loss. See rpropKernel for the exact rules.
	Riedmiller & Braun, ICNN 1993; Igel & Huesken, NC 2000.
	"""
	hyperparameters = ("learnRate", "etas", "stepSizes", "variant")


	def __init__(self, learnRate=1e-2, etas=(0.5, 1.2), stepSizes=(1e-6, 50), variant="iRprop-", nodeinfo=None):
		super().__init__(learnRate, nodeinfo)
		name = type(self).__name__

		if not isinstance(etas, (tuple, list)) or len(etas) != 2:
			raise ValueError("%s: etas must be a pair (etaMinus, etaPlus), got %r" % (name, etas))
		etaMinus, etaPlus = (self.checkParam("etas", eta) for eta in etas)
		if not 0.0 < etaMinus < 1.0 < etaPlus:
			raise ValueError("%s: etas must satisfy 0 < etaMinus < 1 < etaPlus, got %r" % (name, tuple(etas)))

		if not isinstance(stepSizes, (tuple, list)) or len(stepSizes) != 2:
			raise ValueError("%s: stepSizes must be a pair (stepMin, stepMax), got %r" % (name, stepSizes))
		stepMin, stepMax = (self.checkParam("stepSizes", s) for s in stepSizes)
		if not 0.0 <= stepMin <= stepMax:
			raise ValueError("%s: stepSizes must satisfy 0 <= stepMin <= stepMax, got %r" % (name, tuple(stepSizes)))

		if variant not in VARIANTS:
			raise ValueError("%s: variant must be one of %s, got %r" % (name, ", ".join(VARIANTS), variant))

		self.etas, self.stepSizes, self.variant = (etaMinus, etaPlus), (stepMin, stepMax), variant
		self.prevError, self.errorRose = None, 0


	def setupState(self, var):
		step = gpuarray.empty_like(var.data)
		step.fill(self.learnRate * var.learnRate)
		state = {"prev": gpuarray.zeros_like(var.data), "step": step}
		if self.variant in ("Rprop+", "iRprop+"):
			state["dw"] = gpuarray.zeros_like(var.data)
		return state


	@property
	def needsError(self):
		return self.variant == "iRprop+"


	def checkError(self, error):
		super().checkError(error)
		if self.variant == "iRprop+":
			if error is None:
				raise ValueError(
					"%s: variant 'iRprop+' needs the loss of every step: call update(error=loss) "
					"with a full-batch loss (or use variant 'iRprop-')" % type(self).__name__
				)
			if not math.isfinite(error):
				raise ValueError("%s.update: error must be finite, got %r" % (type(self).__name__, error))
			self.errorRose = int(self.prevError is not None and error > self.prevError)


	def afterUpdate(self, error):
		if error is not None:
			self.prevError = float(error)


	def scalarState(self):
		return {"prevError": self.prevError}


	def setScalarState(self, scalars):
		self.prevError = scalars.get("prevError")


	def updateVar(self, var, state, lr, range):
		kernel = rpropKernels[self.variant]
		scalars = (self.etas[0], self.etas[1], self.stepSizes[0], self.stepSizes[1])
		if self.variant in ("Rprop+", "iRprop+"):
			arrays = (var.data, var.grad, state["prev"], state["step"], state["dw"])
		else:
			arrays = (var.data, var.grad, state["prev"], state["step"])
		extra = (self.errorRose, ) if self.variant == "iRprop+" else ()
		kernel(*arrays, *scalars, *extra, range=range)
