"""Resilient backpropagation in its four classic variants (Riedmiller & Braun 1993; Igel & Huesken 2000)."""
import math

import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Optimizers.Hyperparameter import Hyperparameter
from framework.Optimizers.Optimizer import Optimizer

VARIANTS = ("iRprop-", "Rprop-", "Rprop+", "iRprop+")
BACKTRACKING = ("Rprop+", "iRprop+")  # the variants that keep the last move dw to undo it


def reference(opt, param, grad, state, lr, var):
	"""One step in numpy, the specification the kernel below is tested against: returns the new param, updates state.
	The state "step" holds each element's step size."""
	(etaMinus, etaPlus), (stepMin, stepMax) = opt.etas, opt.stepSizes
	g = grad
	p = state["prev"] * g  # > 0: same sign as last step; < 0: a sign flip
	stepSize = np.where(p > 0, state["step"] * etaPlus, np.where(p < 0, state["step"] * etaMinus, state["step"]))  # grow or shrink
	stepSize = state["step"] = np.clip(stepSize, stepMin, stepMax)  # clamped to [stepMin, stepMax] every step, as torch
	if opt.variant == "Rprop-":
		state["prev"] = g  # remember the gradient
		return param - np.sign(g) * stepSize  # theta -= sign(g) s
	if opt.variant == "iRprop-":
		g = np.where(p < 0, 0, g)  # a flip: no move, and the gradient is forgotten
		state["prev"] = g  # remember the gradient
		return param - np.sign(g) * stepSize  # theta -= sign(g) s
	undo = opt.variant == "Rprop+" or opt.errorRose  # iRprop+ undoes the last move only when the error rose
	move = np.where(p < 0, -state["dw"] if undo else 0 * g, -np.sign(g) * stepSize)  # a flip: undo (or keep still), else -sign(g) s
	state["dw"], state["prev"] = move, np.where(p < 0, 0, g)  # remember the move; a flip forgets the gradient
	return param + move  # theta += move


def rpropKernel(variant):
	"""One fused kernel per variant, line for line the reference above."""
	args = "T *param, const T *grad, T *prev, T *stepSize" + (", T *dw" if variant in BACKTRACKING else "")
	args += ", T etaMinus, T etaPlus, T stepMin, T stepMax" + (", int errorRose" if variant == "iRprop+" else "")

	body = [
		"T g = grad[i]; T p = prev[i] * g",  # > 0: same sign as last step; < 0: a sign flip
		"T s = p > 0.0 ? stepSize[i] * etaPlus : (p < 0.0 ? stepSize[i] * etaMinus : stepSize[i])",  # grow or shrink
		"s = s > stepMax ? stepMax : (s < stepMin ? stepMin : s); stepSize[i] = s",  # clamped to [stepMin, stepMax] every step, as torch
	]
	if variant == "Rprop-":
		body += [
			"prev[i] = g",  # remember the gradient
			"param[i] -= (g > 0.0 ? s : (g < 0.0 ? -s : 0.0))",  # theta -= sign(g) s
		]
	elif variant == "iRprop-":
		body += [
			"g = p < 0.0 ? 0.0 : g",  # a flip: no move, and the gradient is forgotten
			"prev[i] = g",  # remember the gradient
			"param[i] -= (g > 0.0 ? s : (g < 0.0 ? -s : 0.0))",  # theta -= sign(g) s
		]
	else:
		body += [
			"int undo = %s" % ("1" if variant == "Rprop+" else "errorRose"),  # iRprop+ undoes the last move only when the error rose
			"T move = p < 0.0 ? (undo ? -dw[i] : 0.0) : (g > 0.0 ? -s : (g < 0.0 ? s : 0.0))",  # a flip: undo (or keep still), else -sign(g) s
			"dw[i] = move; prev[i] = p < 0.0 ? 0.0 : g",  # remember the move; a flip forgets the gradient
			"param[i] += move",  # theta += move
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
	only if the error rose: call update(error=loss) with a full-batch loss. `reference` above states the exact rules.
	Riedmiller & Braun, ICNN 1993; Igel & Huesken, NC 2000.
	"""
	learnRate = Hyperparameter(1e-2, low=0.0)
	etas = Hyperparameter((0.5, 1.2), rule=(lambda etaMinus, etaPlus: 0.0 < etaMinus < 1.0 < etaPlus, "0 < etaMinus < 1 < etaPlus",
		"etaMinus, etaPlus"))
	stepSizes = Hyperparameter((1e-6, 50.0), rule=(lambda stepMin, stepMax: 0.0 <= stepMin <= stepMax, "0 <= stepMin <= stepMax",
		"stepMin, stepMax"))
	variant = Hyperparameter("iRprop-", choices=VARIANTS)
	# Rprop is a full-batch method: on mini-batches its step sizes grow on noise, so the CLI caps the largest step
	tuned = {"learnRate": 1e-3, "stepSizes": (1e-6, 1e-2)}

	prevError, errorRose = None, 0  # the last update's error, and whether the error rose (iRprop+)


	def setupState(self, var):
		stepSize = gpuarray.empty_like(var.data)
		stepSize.fill(self.learnRate * var.learnRate)
		state = {"prev": gpuarray.zeros_like(var.data), "step": stepSize}
		if self.variant in BACKTRACKING:
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
		scalars = (self.etas[0], self.etas[1], self.stepSizes[0], self.stepSizes[1])
		if self.variant in BACKTRACKING:
			arrays = (var.data, var.grad, state["prev"], state["step"], state["dw"])
		else:
			arrays = (var.data, var.grad, state["prev"], state["step"])
		extra = (self.errorRose, ) if self.variant == "iRprop+" else ()
		rpropKernels[self.variant](*arrays, *scalars, *extra, range=range)
