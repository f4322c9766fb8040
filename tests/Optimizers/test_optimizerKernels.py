"""Each optimizer kernel against the numpy reference in its own file; golden vectors; the registry's coverage."""
import inspect

import numpy as np
import pytest

import framework.Optimizers as Optimizers
from framework.Optimizers import Optimizer, RMSProp, RMSPropGraves, Rprop
from framework.Variable import Variable
from tests.Optimizers import cases
from tests.Optimizers.optimizerTestUtil import Mult

CASES = cases.OPTIMIZER_CASES


def test_registryCoversEveryExportedOptimizer():
	exported = {obj for obj in vars(Optimizers).values() if inspect.isclass(obj) and issubclass(obj, Optimizer) and obj is not Optimizer}
	missing = exported - {case.cls for case in CASES}
	assert not missing, "optimizers missing from tests/Optimizers/cases.py: %s" % sorted(c.__name__ for c in missing)
	assert all(callable(cases.reference(cls)) for cls in exported)


def tolerance(dtype):
	return dict(rtol=2e-5, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("useGlobal", [False, True], ids=["local", "global"])
@pytest.mark.parametrize("multipliers", [(1.0, 1.0, 1.0), (0.5, 0.3, 2.0)], ids=["plain", "multipliers"])
@pytest.mark.parametrize("case", CASES, ids=cases.CASE_IDS)
def test_kernelMatchesItsReference(case, dtype, multipliers, useGlobal):
	rng = np.random.default_rng(42)
	shape = (13, 7)
	p0 = rng.normal(0, 1, shape).astype(dtype)
	var = Variable(p0.copy(), name="w")
	mult = Mult(*multipliers)
	var.learnRate, var.momRate, var.weightDecay = multipliers

	for errorRose in ((False, True) if case.kwargs.get("variant") == "iRprop+" else (None, )):
		opt = cases.make(case)
		opt.setupOn([var], useGlobalState=useGlobal)
		var.data.set(p0)
		state = {k: v.astype(dtype) for k, v in cases.randomState(opt, opt.getState("w"), rng, shape).items()}
		for name, ary in state.items():
			opt.getState("w")[name].set(state[name])
		g = rng.normal(0, 1, shape).astype(dtype)
		g.flat[:5] = 0  # a zero gradient exercises the sign(0) and p = 0 branches
		var.grad.set(g)

		opt.t = 3
		error = None
		if errorRose is not None:
			opt.prevError, error = 1.0, (2.0 if errorRose else 0.5)
		opt.update(error=error)

		opt.errorRose = bool(errorRose)
		refState = {k: v.copy() for k, v in state.items()}
		expected = cases.reference(case.cls)(opt, p0.copy(), g, refState, opt.learnRate * mult.learnRate, mult)

		np.testing.assert_allclose(var.data.get(), expected, **tolerance(dtype))
		for name, ary in opt.getState("w").items():
			np.testing.assert_allclose(ary.get(), refState[name], err_msg="state %r" % name, **tolerance(dtype))
		assert opt.t == 4


def test_theCasesReachEveryKernelInBothDtypes():
	# every kernel an optimizer file declares (alone or in a table of option combinations) is built by some case,
	# so test_kernelMatchesItsReference covered every combination of source lines
	import importlib
	from framework.Backend.Kernels import ElementwiseKernel

	for case in CASES:
		for dtype in (np.float32, np.float64):
			var = Variable(np.ones(4, dtype), name="w")
			opt = cases.make(case).setupOn([var])
			var.grad.fill(0.5)
			opt.update(error=1.0)

	declared = []
	for cls in {case.cls for case in CASES}:
		for value in vars(importlib.import_module(cls.__module__)).values():
			kernels = value.values() if isinstance(value, dict) else [value]
			declared += [k for k in kernels if isinstance(k, ElementwiseKernel)]
	assert len(declared) >= 20
	missing = [k.name for k in declared if set(k.instances) != {np.dtype(np.float32), np.dtype(np.float64)}]
	assert not missing, "kernels no case runs: %s" % missing


def firstSteps(opt, grads, dtype=np.float64, errors=None):
	var = Variable(np.zeros(1, dtype), name="w")
	opt.setupOn([var])
	moves, last = [], 0.0
	for k, g in enumerate(grads):
		var.grad.fill(g)
		opt.update(error=None if errors is None else errors[k])
		now = float(var.data.get()[0])
		moves.append(now - last)
		last = now
	return np.array(moves)


def test_goldenRmspropPytorchDefaultFirstStep(dtype):
	# s = 0.01; sqrt(s) + 1e-8 = 0.10000001; -0.01 / 0.10000001 = -0.0999999
	# float32 carries ~1e-6 relative rounding from 1 - 0.99 and the sqrt
	np.testing.assert_allclose(firstSteps(RMSProp(), [1.0], dtype), [-0.0999999], rtol=1e-6 if dtype == np.float64 else 5e-6)


def test_goldenGravesFirstStep(dtype):
	# n = 0.05, m = 0.05: -1e-4 / sqrt(0.05 - 0.0025 + 1e-4) = -4.58349e-4
	np.testing.assert_allclose(firstSteps(RMSPropGraves(), [1.0], dtype), [-4.58349e-4], rtol=1e-5)


def test_goldenIrpropMinusTrace(dtype):
	# 0.1; 0.1*1.2; 0.12*1.2; flip: step 0.072, gradient forgotten, no move; prev = 0: move 0.072
	moves = firstSteps(Rprop(learnRate=0.1), [1, 1, 1, -1, 1], dtype)
	np.testing.assert_allclose(-moves, [0.1, 0.12, 0.144, 0, 0.072], rtol=1e-6, atol=1e-12)


def test_goldenRpropMinusTrace(dtype):
	# Rprop- keeps moving on a flip with the shrunken step, and remembers the flipped gradient:
	# 0.1, 0.12, 0.144; g=-1 flips: step 0.072, move +0.072; g=1 flips again: step 0.036, move -0.036
	moves = firstSteps(Rprop(learnRate=0.1, variant="Rprop-"), [1, 1, 1, -1, 1], dtype)
	np.testing.assert_allclose(moves, [-0.1, -0.12, -0.144, 0.072, -0.036], rtol=1e-6)


def test_goldenRpropPlusTrace(dtype):
	# Rprop+ undoes the last move on a flip (+0.144) and forgets the gradient (step shrinks to 0.072);
	# next step prev = 0: move -0.072 with the unchanged step
	moves = firstSteps(Rprop(learnRate=0.1, variant="Rprop+"), [1, 1, 1, -1, 1], dtype)
	np.testing.assert_allclose(moves, [-0.1, -0.12, -0.144, 0.144, -0.072], rtol=1e-6)


@pytest.mark.parametrize("rose", [True, False], ids=["errorRose", "errorFell"])
def test_goldenIrpropPlusTrace(dtype, rose):
	# iRprop+ undoes the last move on a flip only when the error rose (4.0 after 3.0); otherwise it does
	# not move (as iRprop-); either way the gradient is forgotten and the next step moves -0.072
	errors = [5.0, 4.0, 3.0, 4.0 if rose else 2.0, 1.0]
	moves = firstSteps(Rprop(learnRate=0.1, variant="iRprop+"), [1, 1, 1, -1, 1], dtype, errors)
	np.testing.assert_allclose(moves, [-0.1, -0.12, -0.144, 0.144 if rose else 0.0, -0.072], rtol=1e-6, atol=1e-12)


def test_rmspropCenteredClampsNegativeVariance(dtype):
	# s < m^2 only through rounding in practice; set it directly: the step must stay finite
	var = Variable(np.zeros(4, dtype), name="w")
	opt = RMSProp(centered=True, epsilon=1e-8)
	opt.setupOn([var])
	opt.getState("w")["s"].set(np.full(4, 1e-6, dtype))
	opt.getState("w")["m"].set(np.full(4, 1.0, dtype))
	var.grad.fill(1.0)
	opt.update()
	assert np.all(np.isfinite(var.data.get()))


def test_learnRateChangesBetweenSteps(dtype):
	from framework.Optimizers import SGD
	var = Variable(np.zeros(3, dtype), name="w")
	opt = SGD(learnRate=0.1)
	opt.setupOn([var])
	var.grad.fill(1.0)
	opt.update()
	opt.learnRate = 0.5
	opt.update()
	np.testing.assert_allclose(var.data.get(), -0.6, rtol=1e-6)
	assert opt.t == 2
