"""The registry of optimizer cases: every optimizer and each option combination that selects different kernel lines.

Each Case names a class, its constructor arguments and the settings for the training tests. The formula
itself is not here: each optimizer's file holds its numpy `reference(opt, param, grad, state, lr, var)`
(-> new param; updates the state dict in place; lr is already learnRate x var.learnRate; var carries the
momRate and weightDecay multipliers), and the kernel tests run the kernel against it.
"""
import importlib
import itertools
from collections import namedtuple

from framework.Optimizers import AdaDelta, AdaGrad, Adam, MomentumSGD, NesterovSGD, RMSProp, RMSPropGraves, Rprop, SGD, SMORMS3

# fitLr: the learnRate the training tests use (regression and quadratic); torch: a torch.optim factory or None
Case = namedtuple("Case", ["id", "cls", "kwargs", "fitLr", "torch"])


def reference(cls):
	"""The numpy step an optimizer's own file states as its specification (`reference` beside its kernel)."""
	return importlib.import_module(cls.__module__).reference


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
