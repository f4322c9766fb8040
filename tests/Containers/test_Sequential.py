import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Containers import Sequential
from tests.Containers.toys import Affine, Tanh


def test_defaultNamesAreClassAndPosition():
	net = Sequential().extend([Affine(2), Tanh(), Affine(2), Affine(2, name="head")])
	assert [name for name, _ in net.named()] == ["Affine0", "Tanh1", "Affine2", "head"]
	assert sorted(names[0] for names in net.getVarTable().values()) == [
		"Affine0.W", "Affine0.b", "Affine2.W", "Affine2.b", "head.W", "head.b"
	]


def test_namesDoNotDependOnProcessState():
	first = [name for name, _ in Sequential().extend([Affine(2), Tanh()]).named()]
	second = [name for name, _ in Sequential().extend([Affine(2), Tanh()]).named()]
	assert first == second == ["Affine0", "Tanh1"]


def test_editing():
	a, t, b = Affine(2, name="a"), Tanh(name="t"), Affine(2, name="b")
	net = Sequential()
	net.append(a)
	net.extend([b])
	net.insert(1, t)
	assert list(net) == [a, t, b] and len(net) == 3
	assert net[0] is a and net[-1] is b and net["t"] is t

	part = net[1:]
	assert isinstance(part, Sequential) and list(part) == [t, b] and [n for n, _ in part.named()] == ["t", "b"]

	assert net.pop() is b and list(net) == [a, t]
	assert net.pop(0) is a and list(net) == [t]
	net.insert(-1, a)
	assert list(net) == [a, t]


def test_bumpedDefaultNameAfterInsert():
	net = Sequential().extend([Tanh(), Tanh()])
	net.insert(0, Tanh())
	assert [n for n, _ in net.named()] == ["Tanh2", "Tanh0", "Tanh1"]


def test_errors():
	net = Sequential(name="net").extend([Affine(2, name="a")])
	with pytest.raises(ValueError, match="duplicate name 'a'"):
		net.append(Tanh(name="a"))
	with pytest.raises(ValueError, match="already in the container"):
		net.append(net[0])
	with pytest.raises(TypeError, match="Modules"):
		net.append(lambda x: x)
	with pytest.raises(IndexError, match="out of range"):
		net[5]
	with pytest.raises(KeyError, match="no child 'zz'"):
		net["zz"]
	with pytest.raises(IndexError, match="empty"):
		Sequential().pop()


def test_nestedLookupAndDottedNames():
	inner = Sequential(name="block").extend([Affine(2, name="fc")])
	net = Sequential().extend([inner, Tanh()])
	assert net["block.fc"] is inner[0]
	assert sorted(n[0] for n in net.getVarTable().values()) == ["block.fc.W", "block.fc.b"]


def test_forwardBackwardMatchesManualChain(rng):
	a, t, b = Affine(3, seed=1), Tanh(), Affine(3, seed=2)
	net = Sequential().extend([a, t, b])
	x = gpuarray.to_gpu(rng.standard_normal((2, 3)).astype(np.float32))
	g = gpuarray.to_gpu(rng.standard_normal((2, 3)).astype(np.float32))

	out = net(x).get()
	np.testing.assert_allclose(out, b(t(a(x))).get(), rtol=1e-6)
	net(x)
	inGrad = net.backward(g).get()
	np.testing.assert_allclose(inGrad, a.backward(t.backward(b.backward(g))).get(), rtol=1e-6)


def test_backwardWithoutInputGradientSkipsFirstModule(rng):
	first = Affine(3)
	net = Sequential().extend([first, Tanh()])
	x = gpuarray.to_gpu(rng.standard_normal((2, 3)).astype(np.float32))
	net(x)
	assert net.backward(gpuarray.to_gpu(np.ones((2, 3), np.float32)), updGrad=False) is None
	assert first.grad is None and np.abs(first.vars["W"].grad.get()).sum() > 0


def test_emptyIsIdentity(rng):
	x = gpuarray.to_gpu(rng.standard_normal((2, 3)).astype(np.float32))
	assert Sequential()(x) is x


def test_appendCastsToContainerDtype():
	net = Sequential().calcMode(np.float64)
	net.append(Affine(2))
	assert net[0].calctype == np.float64 and net[0].vars["W"].dtype == np.float64
