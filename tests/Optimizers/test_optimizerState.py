"""Global state versus local state, and save/load round trips across the two modes."""
import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Optimizers import Adam, RMSProp, SGD
from framework.Optimizers.Hooks import ClipGradNorm, WeightDecay
from tests.Optimizers import cases
from tests.Optimizers.optimizerTestUtil import makeNet, netLossAndGrads

CASES = cases.OPTIMIZER_CASES


def train(opt, variables, data, steps, changeAt=None, hooks=()):
	losses = []
	for step in range(steps):
		if changeAt is not None and opt.t == changeAt:
			variables[2].learnRate = 3.0  # multipliers may change mid-run: the launch list is rebuilt
		opt.zeroGradParams()
		losses.append(netLossAndGrads(variables, data))
		opt.update(error=losses[-1])
	return losses


def snapshot(opt, variables):
	params = {var.name: var.data.get() for var in variables}
	state = {(name, key): ary.get() for name in opt.names for key, ary in opt.getState(name).items()}
	return params, state


def assertSame(a, b):
	assert a[0].keys() == b[0].keys() and a[1].keys() == b[1].keys()
	for key in a[0]:
		np.testing.assert_array_equal(a[0][key], b[0][key], err_msg="param %r" % key)
	for key in a[1]:
		np.testing.assert_array_equal(a[1][key], b[1][key], err_msg="state %r" % (key, ))


@pytest.mark.parametrize("case", CASES, ids=cases.CASE_IDS)
def test_globalEqualsLocal(case, dtype):
	results = []
	for useGlobal in (False, True):
		variables, data = makeNet(dtype)
		frozen0 = variables[4].data.get()
		opt = cases.make(case)
		opt.addHook(WeightDecay(1e-2))
		opt.setupOn(variables, useGlobalState=useGlobal)
		frozenState = {key: ary.get() for key, ary in opt.getState("frozen").items()}

		losses = train(opt, variables, data, 10, changeAt=5)
		assert losses[-1] < losses[0]

		np.testing.assert_array_equal(variables[4].data.get(), frozen0)
		for key, ary in opt.getState("frozen").items():
			np.testing.assert_array_equal(ary.get(), frozenState[key])
		results.append(snapshot(opt, variables))
	assertSame(*results)


def test_globalStateRebindsTheSameVariables(dtype):
	variables, data = makeNet(dtype)
	held = variables[0]
	before = [var.data.get() for var in variables]
	opt = RMSProp(momentum=0.5)
	opt.setupOn(variables, useGlobalState=True)

	assert variables[0] is held
	for var, value in zip(variables, before):
		np.testing.assert_array_equal(var.data.get(), value)

	buffers = opt.buffers[np.dtype(dtype)]
	assert set(buffers) == {"data", "grad", "s", "b"}
	start, stop = buffers["data"].range("l1.W")
	np.testing.assert_array_equal(buffers["data"].buffer.get()[start:stop], held.data.get().ravel())

	# a write through the buffer is visible through the held Variable, and vice versa
	buffers["data"].buffer.fill(2.0)
	assert np.all(held.data.get() == 2.0)
	held.grad.fill(3.0)
	assert np.all(buffers["grad"].buffer.get()[start:stop] == 3.0)

	# equal multipliers share one launch: frozen is skipped, l1.W, l1.b, l2.b differ, the rest group
	groups = opt.getGroups()
	assert all(group.range is not None for group in groups)
	assert sum(len(group.names) for group in groups) == len(variables) - 1

	opt.zeroGradParams()
	assert np.all(buffers["grad"].buffer.get() == 0)


def test_globalStateOneLaunchForEqualMultipliers():
	variables, _ = makeNet(np.float32)
	for var in variables:
		var.learnRate, var.momRate, var.weightDecay = 1.0, 1.0, 1.0
	opt = Adam()
	opt.setupOn(variables, useGlobalState=True)
	groups = opt.getGroups()
	assert len(groups) == 1 and groups[0].range == slice(0, opt.buffers[np.dtype(np.float32)]["data"].range("frozen")[1])


def test_mixedDtypesGetOneBufferEach():
	from framework.Variable import Variable
	a = Variable(np.ones(5, np.float32), name="a")
	b = Variable(np.ones(3, np.float64), name="b")
	opt = SGD(learnRate=0.5)
	opt.setupOn([a, b], useGlobalState=True)
	a.grad.fill(1.0)
	b.grad.fill(2.0)
	opt.update()
	assert len(opt.buffers) == 2 and len(opt.getGroups()) == 2
	np.testing.assert_array_equal(a.data.get(), 0.5)
	np.testing.assert_array_equal(b.data.get(), 0.0)


@pytest.mark.parametrize("modes", [(True, False), (False, True), (True, True)], ids=["global-to-local", "local-to-global", "global-to-global"])
@pytest.mark.parametrize("case", CASES, ids=cases.CASE_IDS)
def test_saveLoadResumesBitExactly(case, modes, tmp_path):
	dtype = np.float64 if "RMSProp" in case.id else np.float32
	saveGlobal, loadGlobal = modes

	variables, data = makeNet(dtype)
	straight = cases.make(case)
	straight.addHook(ClipGradNorm(0.5))
	straight.setupOn(variables, useGlobalState=saveGlobal)
	train(straight, variables, data, 20)
	expected = snapshot(straight, variables)

	variables, data = makeNet(dtype)
	first = cases.make(case)
	first.addHook(ClipGradNorm(0.5))
	first.setupOn(variables, useGlobalState=saveGlobal)
	train(first, variables, data, 10)
	first.save(tmp_path / "opt.h5")
	params = [var.data.get() for var in variables]

	variables, data = makeNet(dtype)
	for var, value in zip(variables, params):
		var.set(value)
	second = cases.make(case, learnRate=0.123)  # load restores the hyperparameters too
	second.addHook(ClipGradNorm(0.5))
	second.setupOn(variables, useGlobalState=loadGlobal)
	second.load(tmp_path / "opt.h5")
	assert second.t == 10 and second.learnRate == first.learnRate
	train(second, variables, data, 10)

	assertSame(snapshot(second, variables), expected)


def test_loadNamesWhatDiffers(tmp_path):
	from framework.Variable import Variable
	opt = RMSProp()
	opt.setupOn([Variable(np.zeros(3, np.float32), name="a")])
	opt.save(tmp_path / "o.h5")

	other = RMSProp()
	other.setupOn([Variable(np.zeros(4, np.float32), name="a"), Variable(np.zeros(2, np.float32), name="b")])
	with pytest.raises(ValueError, match=r"(?s)missing state 'b/s'.*expected shape \(4,\)"):
		other.load(tmp_path / "o.h5")

	with pytest.raises(ValueError, match="holds the state of RMSProp, not Adam"):
		adam = Adam()
		adam.setupOn([Variable(np.zeros(3, np.float32), name="a")])
		adam.load(tmp_path / "o.h5")

	with pytest.raises(FileNotFoundError):
		opt.load(tmp_path / "missing.h5")


def test_saveToGroupForCheckpoints(tmp_path):
	import h5py
	from framework.Variable import Variable
	var = Variable(np.ones(3, np.float32), name="a")
	opt = Adam()
	opt.setupOn([var])
	var.grad.fill(1.0)
	opt.update()
	with h5py.File(tmp_path / "ckpt.h5", "w") as f:
		opt.saveTo(f.create_group("optimizer"))

	again = Adam()
	again.setupOn([var])
	with h5py.File(tmp_path / "ckpt.h5", "r") as f:
		again.loadFrom(f["optimizer"])
	assert again.t == 1
	np.testing.assert_array_equal(again.getState("a")["m"].get(), opt.getState("a")["m"].get())


def test_moduleTargetUsesVarTableNames():
	from framework.Modules.Module import Module
	from framework.Variable import Variable

	class Two(Module):
		def __init__(self):
			super().__init__(name="two")
			self.setVar("W", Variable(np.ones((2, 2), np.float32)))
			self.setVar("b", Variable(np.ones(2, np.float32)))

	module = Two()
	opt = SGD()
	opt.setupOn(module, useGlobalState=True)
	assert sorted(opt.names) == ["W", "b"]
	assert module.getVar("W").data.get().sum() == 4
	assert gpuarray.isArray(module.getVar("W").grad)
