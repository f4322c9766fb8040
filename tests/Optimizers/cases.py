"""The registry of optimizer cases (every optimizer and its option combinations) with numpy transcriptions.

Each Case names a class, its constructor arguments, the numpy transcription of its formula (its docs page's Math section)
(`reference(opt, p, g, state, lr, mult)` -> new p; updates the state dict in place; lr is already
learnRate x var.learnRate; mult carries the variable's momRate and weightDecay multipliers), a random
valid state for the kernel tests, and the settings for the training tests.
"""
import itertools
from collections import namedtuple

import numpy as np

from framework.Optimizers import AdaDelta, AdaGrad, Adam, MomentumSGD, NesterovSGD, RMSProp, RMSPropGraves, Rprop, SGD, SMORMS3

# fitLr: the learnRate the training tests use (regression and quadratic); torch: a torch.optim factory or None
Case = namedtuple("Case", ["id", "cls", "kwargs", "fitLr", "torch"])


# --- numpy transcriptions of the optimizers' formulas -------------------------------------------------------

def refSGD(o, p, g, s, lr, mult):
	return p - lr * g


def refMomentum(o, p, g, s, lr, mult):
	mu = o.momRate * mult.momRate
	s["v"] = mu * s["v"] + g
	return p - lr * s["v"]


def refNesterov(o, p, g, s, lr, mult):
	mu = o.momRate * mult.momRate
	s["v"] = mu * s["v"] + g
	return p - lr * (g + mu * s["v"])


def refAdam(o, p, g, s, lr, mult):
	t = o.t
	s["m"] = o.beta1 * s["m"] + (1 - o.beta1) * g
	s["v"] = o.beta2 * s["v"] + (1 - o.beta2) * g * g
	mhat, vhat = s["m"] / (1 - o.beta1 ** t), s["v"] / (1 - o.beta2 ** t)
	return p - lr * mhat / (np.sqrt(vhat) + o.epsilon)


def refAdaGrad(o, p, g, s, lr, mult):
	s["s"] = s["s"] + g * g
	return p - lr * g / (np.sqrt(s["s"]) + o.epsilon)


def refAdaDelta(o, p, g, s, lr, mult):
	s["s"] = o.rho * s["s"] + (1 - o.rho) * g * g
	d = np.sqrt(s["u"] + o.epsilon) / np.sqrt(s["s"] + o.epsilon) * g
	s["u"] = o.rho * s["u"] + (1 - o.rho) * d * d
	return p - lr * d


def refRMSProp(o, p, g, s, lr, mult):
	g = g + o.weightDecay * mult.weightDecay * p
	s["s"] = o.alpha * s["s"] + (1 - o.alpha) * g * g
	if o.centered:
		s["m"] = o.alpha * s["m"] + (1 - o.alpha) * g
		v = np.maximum(s["s"] - s["m"] ** 2, 0)
	else:
		v = s["s"]
	d = np.sqrt(v + o.epsilon) if o.epsInsideSqrt else np.sqrt(v) + o.epsilon
	if o.momentum > 0:
		s["b"] = o.momentum * mult.momRate * s["b"] + g / d
		return p - lr * s["b"]
	return p - lr * g / d


def refGraves(o, p, g, s, lr, mult):
	s["n"] = o.alpha * s["n"] + (1 - o.alpha) * g * g
	s["m"] = o.alpha * s["m"] + (1 - o.alpha) * g
	s["delta"] = o.momRate * mult.momRate * s["delta"] - lr * g / np.sqrt(np.maximum(s["n"] - s["m"] ** 2, 0) + o.epsilon)
	return p + s["delta"]


def refRprop(o, p, g, s, lr, mult):
	(etaMinus, etaPlus), (stepMin, stepMax) = o.etas, o.stepSizes
	prod = s["prev"] * g
	step = np.where(prod > 0, s["step"] * etaPlus, np.where(prod < 0, s["step"] * etaMinus, s["step"]))
	s["step"] = np.clip(step, stepMin, stepMax)
	flip = prod < 0

	if o.variant == "Rprop-":
		s["prev"] = g.copy()
		return p - np.sign(g) * s["step"]
	if o.variant == "iRprop-":
		g = np.where(flip, 0, g)
		s["prev"] = g
		return p - np.sign(g) * s["step"]

	undo = (o.variant == "Rprop+") or o.errorRose
	move = np.where(flip, -s["dw"] if undo else 0 * g, -np.sign(g) * s["step"])
	s["dw"] = move
	s["prev"] = np.where(flip, 0, g)
	return p + move


def refSMORMS3(o, p, g, s, lr, mult):
	r = 1 / (s["mem"] + 1)
	s["m"] = (1 - r) * s["m"] + r * g
	s["q"] = (1 - r) * s["q"] + r * g * g
	x = s["m"] ** 2 / (s["q"] + o.epsilon)
	p = p - g * np.minimum(lr, x) / (np.sqrt(s["q"]) + o.epsilon)
	s["mem"] = 1 + s["mem"] * (1 - x)
	return p


REFERENCES = {
	SGD: refSGD, MomentumSGD: refMomentum, NesterovSGD: refNesterov, Adam: refAdam, AdaGrad: refAdaGrad,
	AdaDelta: refAdaDelta, RMSProp: refRMSProp, RMSPropGraves: refGraves, Rprop: refRprop, SMORMS3: refSMORMS3,
}


# --- random valid state for the kernel tests ----------------------------------------------------------------

def randomState(opt, names, rng, shape):
	gens = {
		"v": lambda: rng.uniform(0, 1, shape) if isinstance(opt, Adam) else rng.normal(0, 1, shape),
		"m": lambda: rng.normal(0, 0.3, shape),
		"s": lambda: rng.uniform(0, 1, shape),
		"u": lambda: rng.uniform(0, 1, shape),
		"b": lambda: rng.normal(0, 1, shape),
		"n": lambda: rng.uniform(0, 0.2, shape),
		"delta": lambda: rng.normal(0, 0.01, shape),
		"prev": lambda: rng.choice([-1.0, 0.0, 1.0], shape) * rng.uniform(0.1, 1, shape),
		"step": lambda: rng.uniform(1e-3, 0.1, shape),
		"dw": lambda: rng.normal(0, 0.01, shape),
		"mem": lambda: rng.uniform(1, 3, shape),
		"q": lambda: rng.uniform(0.1, 1, shape),
	}
	return {name: gens[name]() for name in names}


# --- the registry ----------------------------------------------------------------------------------------------

def torchRMSprop(kw):
	return lambda params, torch: torch.optim.RMSprop(
		params, lr=kw.get("learnRate", 1e-2), alpha=kw.get("alpha", 0.99), eps=kw.get("epsilon", 1e-8),
		weight_decay=kw.get("weightDecay", 0), momentum=kw.get("momentum", 0), centered=kw.get("centered", False), foreach=False
	)


def rmspropCases():
	cases = []
	for centered, momentum, epsInside, wd in itertools.product((False, True), repeat=4):
		kw = dict(learnRate=1e-2, alpha=0.9, epsilon=1e-3 if epsInside else 1e-8, centered=centered,
				  momentum=0.5 if momentum else 0.0, epsInsideSqrt=epsInside, weightDecay=0.01 if wd else 0.0)
		name = "RMSProp" + "".join(tag for flag, tag in ((centered, "-centered"), (momentum, "-momentum"), (epsInside, "-epsInside"), (wd, "-wd")) if flag)
		cases.append(Case(name, RMSProp, kw, 3e-3 if momentum else 1e-2, None if epsInside else torchRMSprop(kw)))
	return cases


OPTIMIZER_CASES = [
	Case("SGD", SGD, dict(learnRate=0.05), 0.05, lambda ps, torch: torch.optim.SGD(ps, lr=0.05, foreach=False)),
	Case("MomentumSGD", MomentumSGD, dict(learnRate=0.02, momRate=0.8), 0.02,
		 lambda ps, torch: torch.optim.SGD(ps, lr=0.02, momentum=0.8, foreach=False)),
	Case("NesterovSGD", NesterovSGD, dict(learnRate=0.02, momRate=0.8), 0.02,
		 lambda ps, torch: torch.optim.SGD(ps, lr=0.02, momentum=0.8, nesterov=True, foreach=False)),
	Case("Adam", Adam, dict(learnRate=1e-2, beta1=0.8, beta2=0.95, epsilon=1e-6), 2e-2,
		 lambda ps, torch: torch.optim.Adam(ps, lr=1e-2, betas=(0.8, 0.95), eps=1e-6, foreach=False)),
	Case("AdaGrad", AdaGrad, dict(learnRate=0.1, epsilon=1e-10), 0.2,
		 lambda ps, torch: torch.optim.Adagrad(ps, lr=0.1, eps=1e-10, foreach=False)),
	Case("AdaDelta", AdaDelta, dict(learnRate=1.0, rho=0.9, epsilon=1e-6), 5.0,
		 lambda ps, torch: torch.optim.Adadelta(ps, lr=1.0, rho=0.9, eps=1e-6, foreach=False)),
	*rmspropCases(),
	Case("RMSPropGraves", RMSPropGraves, dict(learnRate=1e-3, alpha=0.95, momRate=0.9, epsilon=1e-4), 2e-3, None),
	Case("Rprop-iRprop-", Rprop, dict(learnRate=0.01, variant="iRprop-"), 0.01,
		 lambda ps, torch: torch.optim.Rprop(ps, lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50), foreach=False)),
	Case("Rprop-iRprop-etas", Rprop, dict(learnRate=0.02, etas=(0.4, 1.5), stepSizes=(1e-4, 0.5), variant="iRprop-"), 0.02,
		 lambda ps, torch: torch.optim.Rprop(ps, lr=0.02, etas=(0.4, 1.5), step_sizes=(1e-4, 0.5), foreach=False)),
	Case("Rprop-Rprop+", Rprop, dict(learnRate=0.01, variant="Rprop+"), 0.01, None),
	Case("Rprop-Rprop-", Rprop, dict(learnRate=0.01, variant="Rprop-"), 0.01, None),
	Case("Rprop-iRprop+", Rprop, dict(learnRate=0.01, variant="iRprop+"), 0.01, None),
	Case("SMORMS3", SMORMS3, dict(learnRate=1e-2, epsilon=1e-16), 3e-2, None),
]

CASE_IDS = [case.id for case in OPTIMIZER_CASES]


def make(case, **override):
	return case.cls(**dict(case.kwargs, **override))
