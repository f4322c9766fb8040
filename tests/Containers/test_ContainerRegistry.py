"""Every public container is in the registry and passes the generic checks."""
import inspect

import numpy as np
import pytest

import framework.Containers as containers
from framework.Backend import gpuarray
from framework.Containers.Container import Container
from tests.Containers.cases import CONTAINER_CASES
from tests.gradcheck import checkModuleGrad


def publicContainers():
	return {
		name for name, obj in vars(containers).items()
		if inspect.isclass(obj) and issubclass(obj, Container) and obj is not Container
	}


def toDevice(data, dtype):
	return [gpuarray.to_gpu(d.astype(dtype)) for d in data] if isinstance(data, list) else gpuarray.to_gpu(data.astype(dtype))


def test_registryListsEveryContainer():
	missing = publicContainers() - set(CONTAINER_CASES)
	assert not missing, "containers missing from tests/Containers/cases.py: %s" % sorted(missing)
	assert publicContainers() == {"Sequential", "Graph", "Parallel"}


@pytest.mark.parametrize("name", sorted(CONTAINER_CASES))
def test_gradcheck(name, rng):
	net, data = CONTAINER_CASES[name](rng)
	net.calcMode(np.float64)
	checkModuleGrad(net, toDevice(data, np.float64), rng)


@pytest.mark.parametrize("name", sorted(CONTAINER_CASES))
def test_calcModeReachesChildren(name, rng, dtype):
	net, data = CONTAINER_CASES[name](rng)
	net.calcMode(dtype)
	assert all(var.dtype == dtype for var in net.getVarTable())
	assert all(module.calctype == dtype for module in net)
	out = net(toDevice(data, dtype))
	outs = out if isinstance(out, list) else [out]
	assert all(o.dtype == dtype for o in outs)


@pytest.mark.parametrize("name", sorted(CONTAINER_CASES))
def test_modesReachChildren(name, rng):
	net, _ = CONTAINER_CASES[name](rng)
	net.evalMode()
	assert not net.train and all(not module.train for module in net)
	net.trainMode()
	assert net.train and all(module.train for module in net)


@pytest.mark.parametrize("name", sorted(CONTAINER_CASES))
def test_gradientMustMatchOutput(name, rng):
	net, data = CONTAINER_CASES[name](rng)
	with pytest.raises(RuntimeError, match="before any forward"):
		net.backward(gpuarray.zeros((1, ), np.float32))
	out = net(toDevice(data, np.float32))
	bad = [gpuarray.zeros((9, 9), np.float32) for _ in out] if isinstance(out, list) else gpuarray.zeros((9, 9), np.float32)
	with pytest.raises(ValueError, match="gradient"):
		net.backward(bad)
