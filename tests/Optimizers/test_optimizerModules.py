"""Global versus local state on a real Sequential net (Linear layers, MSE): identical parameters and state."""
import numpy as np
import pytest

from framework import Config
from framework.Backend import gpuarray
from tests.Optimizers import cases

Sequential = pytest.importorskip("framework.Containers").Sequential
Modules = pytest.importorskip("framework.Modules")
MSE = pytest.importorskip("framework.Cost").MSE

NET_CASES = [case for case in cases.OPTIMIZER_CASES if case.id in (
	"SGD", "MomentumSGD", "Adam", "RMSProp-centered-momentum-wd", "RMSPropGraves", "Rprop-iRprop-", "Rprop-iRprop+", "SMORMS3"
)]


def buildNet(dtype):
	Config.setSeed(11)
	net = Sequential()
	net.append(Modules.Linear(6, 8))
	net.append(Modules.Activation("tanh") if hasattr(Modules, "Activation") else Modules.Identity())
	net.append(Modules.Linear(8, 3))
	net.append(Modules.Linear(3, 2))
	net.calcMode(dtype)

	table = {names[0]: var for var, names in net.getVarTable().items()}
	names = sorted(table)
	table[names[0]].learnRate = 0.5
	table[names[1]].momRate = 0.3
	table[names[2]].weightDecay = 4.0
	table[names[-1]].learnRate = 0.0  # frozen
	return net, table


@pytest.mark.parametrize("case", NET_CASES, ids=[case.id for case in NET_CASES])
def test_sequentialGlobalEqualsLocal(case, dtype):
	rng = np.random.default_rng(2)
	x = gpuarray.to_gpu(rng.normal(0, 1, (16, 6)).astype(dtype))
	y = gpuarray.to_gpu(rng.normal(0, 1, (16, 2)).astype(dtype))

	results = []
	for useGlobal in (False, True):
		net, table = buildNet(dtype)
		frozenName = sorted(table)[-1]
		frozen = table[frozenName].data.get()
		cost = MSE()
		opt = cases.make(case)
		opt.setupOn(net, useGlobalState=useGlobal)

		errors = []
		for _ in range(10):
			opt.zeroGradParams()
			error, grad = cost(net(x), y)
			net.backward(grad)
			errors.append(float(error))
			opt.update(error=errors[-1])

		assert errors[-1] < errors[0]
		np.testing.assert_array_equal(table[frozenName].data.get(), frozen)
		params = {name: var.data.get() for name, var in table.items()}
		state = {(name, key): ary.get() for name in opt.names for key, ary in opt.getState(name).items()}
		results.append((params, state))

	(p0, s0), (p1, s1) = results
	for name in p0:
		np.testing.assert_array_equal(p0[name], p1[name], err_msg=name)
	assert s0.keys() == s1.keys()
	for key in s0:
		np.testing.assert_array_equal(s0[key], s1[key], err_msg=str(key))
