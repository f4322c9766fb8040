"""Training never silently goes wrong: non-finite gradients (FiniteCheck), no host reads per step in ClipGradNorm,
and variables rebound after setupOn are a clear error at the next update, never a silent no-op."""
import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Modules import Linear
from framework.Optimizers import Adam, RMSProp, SGD
from framework.Optimizers.Hooks import ClipGradNorm, FiniteCheck
from framework.Variable import Variable
from tests.Optimizers import cases
from tests.Optimizers.optimizerTestUtil import makeNet, netLossAndGrads

MODES = pytest.mark.parametrize("useGlobal", [False, True], ids=["local", "global"])


def snapshot(opt, variables):
	return [var.data.get() for var in variables] + [ary.get() for name in opt.names for ary in opt.getState(name).values()]


@MODES
@pytest.mark.parametrize("case", cases.OPTIMIZER_CASES, ids=cases.CASE_IDS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_finiteCheckSkipsANonFiniteStepLeavingEverythingUnchanged(case, useGlobal, bad):
	variables, data = makeNet(np.float32)
	opt = cases.make(case)
	hook = opt.addHook(FiniteCheck())
	opt.setupOn(variables, useGlobalState=useGlobal)
	for _ in range(2):
		opt.zeroGradParams()
		opt.update(error=netLossAndGrads(variables, data))
	before, t = snapshot(opt, variables), opt.t

	opt.zeroGradParams()
	error = netLossAndGrads(variables, data)
	grad = variables[1].grad.get()
	grad[2] = bad
	variables[1].grad.set(grad)
	opt.update(error=error)

	assert opt.t == t and hook.skipped == 1
	for a, b in zip(before, snapshot(opt, variables)):
		np.testing.assert_array_equal(a, b)

	opt.zeroGradParams()
	opt.update(error=netLossAndGrads(variables, data))
	assert opt.t == t + 1 and hook.skipped == 1


@MODES
def test_finiteCheckRaisesNamingTheVariable(useGlobal):
	a, b = Variable(np.ones(4, np.float32), name="a"), Variable(np.ones(3, np.float64), name="b")
	opt = SGD(learnRate=1.0)
	opt.addHook(FiniteCheck(action="raise"))
	opt.setupOn([a, b], useGlobalState=useGlobal)
	b.grad.set(np.array([0.0, np.nan, 1.0]))
	with pytest.raises(FloatingPointError, match="FiniteCheck: non-finite gradient .* in b; the step was not taken"):
		opt.update()
	assert opt.t == 0 and np.all(a.data.get() == 1) and np.all(b.data.get() == 1)
	with pytest.raises(ValueError, match="FiniteCheck: action must be one of 'skip', 'raise'"):
		FiniteCheck(action="ignore")


class CountReads:
	"""Counts device-to-host reads (Array.get) while active."""

	def __init__(self, monkeypatch):
		self.count = 0
		cls = type(gpuarray.zeros((1, ), np.float32))
		original = cls.get

		def get(ary, *args, **kwargs):
			self.count += 1
			return original(ary, *args, **kwargs)
		monkeypatch.setattr(cls, "get", get)


@MODES
def test_finiteCheckReadsOneScalarPerStep(monkeypatch, useGlobal):
	variables = [Variable(np.ones(5, dtype), name="v%d" % k) for k, dtype in enumerate([np.float32, np.float64] * 3)]
	variables[2].learnRate = 0.5  # a second group of float32 in global state
	opt = Adam()
	opt.addHook(FiniteCheck())
	opt.setupOn(variables, useGlobalState=useGlobal)
	reads = CountReads(monkeypatch)
	opt.update()
	opt.update()
	assert reads.count == 2


@MODES
def test_clipGradNormReadsNothingBackPerStep(monkeypatch, useGlobal):
	variables = [Variable(np.ones(5, dtype), name="v%d" % k) for k, dtype in enumerate([np.float32, np.float64, np.float32])]
	hook = ClipGradNorm(1.0)
	opt = SGD(learnRate=0.1)
	opt.addHook(hook)
	opt.setupOn(variables, useGlobalState=useGlobal)
	for var in variables:
		var.grad.fill(2.0)
	reads = CountReads(monkeypatch)
	opt.update()
	assert reads.count == 0
	monkeypatch.undo()
	np.testing.assert_allclose(hook.lastNorm, np.sqrt(15 * 4.0), rtol=1e-12)
	np.testing.assert_allclose(variables[0].data.get(), 1 - 0.1 * 2.0 / (np.sqrt(60.0) + 1e-6), rtol=1e-6)


# --- variables rebound after setupOn (issue: training silently stopped) -----------------------------------------

def linearNet():
	net = Linear(3, 2)
	net.W.grad.fill(1.0)
	net.b.grad.fill(1.0)
	return net


def test_calcModeAfterAGlobalSetupIsAnErrorAtTheNextUpdate():
	net = linearNet()
	opt = RMSProp().setupOn(net, useGlobalState=True)
	net.calcMode(np.float64)
	opt.zeroGradParams()
	with pytest.raises(RuntimeError, match="RMSProp.update: variable 'W' no longer uses the optimizer's global buffers"):
		opt.update()


def test_calcModeAfterALocalSetupIsAnErrorNamingTheMismatch():
	net = linearNet()
	opt = RMSProp().setupOn(net)
	net.calcMode(np.float64)
	with pytest.raises(RuntimeError, match="RMSProp.update: variable 'W' changed to .*float64.*call setupOn again"):
		opt.update()


def test_aSecondGlobalOptimizerOnTheSameNetStopsTheFirstLoudly():
	net = linearNet()
	first = SGD().setupOn(net, useGlobalState=True)
	second = Adam().setupOn(net, useGlobalState=True)
	second.update()
	with pytest.raises(RuntimeError, match="SGD.update: variable 'W' no longer uses"):
		first.update()


@MODES
def test_setVarAfterSetupIsAnError(useGlobal):
	net = linearNet()
	opt = SGD().setupOn(net, useGlobalState=useGlobal)
	opt.update()
	net.setVar("W", Variable(np.zeros((2, 3), np.float32)))
	with pytest.raises(RuntimeError, match="SGD.update: the module's variables changed since setupOn"):
		opt.update()


def test_replacingDataOrGradAfterAGlobalSetupIsAnError():
	for attr in ("data", "grad"):
		net = linearNet()
		opt = SGD().setupOn(net, useGlobalState=True)
		setattr(net.b, attr, gpuarray.zeros((2, ), np.float32))
		with pytest.raises(RuntimeError, match="variable 'b' no longer uses the optimizer's global buffers"):
			opt.update()


def test_replacingDataInLocalStateKeepsTrainingTheNewArray():
	net = linearNet()
	opt = SGD(learnRate=0.5).setupOn(net)
	opt.update()
	net.b.data = gpuarray.to_gpu(np.full(2, 10.0, np.float32))
	opt.update()
	np.testing.assert_array_equal(net.b.data.get(), 9.5)


def test_finiteCheckCoversEveryElementOfEveryRangeLength():
	# the reduction reads four places per index (offsets 0, a, b, last over a quarter range): every element of
	# [start, stop) must be reached, and nothing outside it (a NaN just outside must not count)
	from framework.Optimizers.ParamLayout import Group

	hook = FiniteCheck()
	for length in list(range(1, 41)) + [1000, 1001, 1002, 1003]:
		host = np.zeros(length + 6, np.float32)
		host[2], host[length + 3] = np.nan, np.inf  # just outside [3, 3 + length)
		grad = gpuarray.to_gpu(host)
		group = Group(["g"], grad, grad, {}, slice(3, 3 + length), (1.0, 1.0, 1.0))
		assert hook([group]) is False, length
		for position in range(3, 3 + length):
			host[position] = np.nan
			grad.set(host)
			assert hook([group]) is True, (length, position)
			host[position] = 0.0
		grad.set(host)
