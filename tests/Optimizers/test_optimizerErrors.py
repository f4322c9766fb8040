"""Bad hyperparameters and misuse raise clear errors naming the parameter."""
import numpy as np
import pytest

from framework.Optimizers import AdaDelta, AdaGrad, Adam, MomentumSGD, NesterovSGD, RMSProp, RMSPropGraves, Rprop, SGD, SMORMS3
from framework.Optimizers.Hooks import ClipGradNorm, ClipGradValue, L1, WeightDecay
from framework.Variable import Variable
from tests.Optimizers import cases

BAD = [
	(SGD, dict(learnRate=-1e-3), "learnRate"),
	(SGD, dict(learnRate=float("nan")), "learnRate"),
	(MomentumSGD, dict(momRate=1.0), "momRate"),
	(MomentumSGD, dict(momRate=-0.1), "momRate"),
	(NesterovSGD, dict(momRate=1.5), "momRate"),
	(Adam, dict(beta1=1.0), "beta1"),
	(Adam, dict(beta2=-0.5), "beta2"),
	(Adam, dict(epsilon=-1e-8), "epsilon"),
	(AdaGrad, dict(epsilon=-1.0), "epsilon"),
	(AdaGrad, dict(learnRate=-0.1), "learnRate"),
	(AdaDelta, dict(rho=1.5), "rho"),
	(AdaDelta, dict(epsilon=-1.0), "epsilon"),
	(RMSProp, dict(alpha=1.0), "alpha"),
	(RMSProp, dict(alpha=-0.1), "alpha"),
	(RMSProp, dict(epsilon=-1e-8), "epsilon"),
	(RMSProp, dict(weightDecay=-1.0), "weightDecay"),
	(RMSProp, dict(momentum=1.0), "momentum"),
	(RMSProp, dict(learnRate=-1.0), "learnRate"),
	(RMSPropGraves, dict(alpha=1.2), "alpha"),
	(RMSPropGraves, dict(momRate=-0.9), "momRate"),
	(RMSPropGraves, dict(epsilon=-1e-4), "epsilon"),
	(Rprop, dict(etas=(1.5, 1.2)), "etas"),
	(Rprop, dict(etas=(0.5, 0.9)), "etas"),
	(Rprop, dict(etas=(0.0, 1.2)), "etas"),
	(Rprop, dict(etas=(0.5, )), "etas"),
	(Rprop, dict(stepSizes=(1.0, 1e-6)), "stepSizes"),
	(Rprop, dict(stepSizes=(-1.0, 50)), "stepSizes"),
	(Rprop, dict(variant="iRprop"), "variant"),
	(Rprop, dict(learnRate=-0.01), "learnRate"),
	(SMORMS3, dict(epsilon=0.0), "epsilon"),
	(SMORMS3, dict(learnRate=-1.0), "learnRate"),
]


@pytest.mark.parametrize("cls, kwargs, name", BAD, ids=["%s-%s" % (c.__name__, n) + str(k) for k, (c, _, n) in enumerate(BAD)])
def test_badHyperparameterRaisesValueError(cls, kwargs, name):
	with pytest.raises(ValueError, match=name) as info:
		cls(**kwargs)
	assert cls.__name__ in str(info.value)


def test_everyOptimizerChecksLearnRateAndAcceptsNodeinfo():
	for case in cases.OPTIMIZER_CASES:
		with pytest.raises(ValueError, match="learnRate"):
			cases.make(case, learnRate=-1.0)
		assert cases.make(case, nodeinfo=None).nodeinfo is None
		opt = cases.make(case)
		with pytest.raises(ValueError, match="learnRate"):
			opt.learnRate = -0.5


def test_hyperparameterTypeError():
	with pytest.raises(TypeError, match="learnRate"):
		RMSProp(learnRate="0.1")


def test_irpropPlusNeedsError():
	var = Variable(np.zeros(3, np.float32), name="w")
	opt = Rprop(variant="iRprop+")
	opt.setupOn([var])
	with pytest.raises(ValueError, match=r"iRprop\+.*update\(error=loss\)"):
		opt.update()
	assert opt.t == 0
	opt.update(error=1.0)
	assert opt.t == 1


def test_updateBeforeSetupAndBadTargets():
	with pytest.raises(RuntimeError, match="setupOn"):
		RMSProp().update()
	with pytest.raises(TypeError, match="Module or a list of Variables"):
		RMSProp().setupOn("not a target")
	with pytest.raises(TypeError, match="expected Variables"):
		RMSProp().setupOn([np.zeros(3)])
	a, b = Variable(np.zeros(2, np.float32), name="x"), Variable(np.zeros(2, np.float32), name="x")
	with pytest.raises(ValueError, match="share the name 'x'"):
		RMSProp().setupOn([a, b])


@pytest.mark.parametrize("hook, arg", [(WeightDecay, -1.0), (L1, -0.1), (ClipGradValue, -1.0), (ClipGradNorm, float("inf"))])
def test_badHookParameters(hook, arg):
	with pytest.raises(ValueError, match=hook.__name__):
		hook(arg)


def test_updateErrorArgumentTypes():
	var = Variable(np.zeros(3, np.float32), name="w")
	opt = SGD()
	opt.setupOn([var])
	opt.update(error=np.float32(1.0))
	opt.update(error=np.array(2.0))
	for bad in ("x", True, np.zeros(2)):
		with pytest.raises(TypeError, match="error must be a real number"):
			opt.update(error=bad)
	assert opt.t == 2
