import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Containers import Graph, Sequential
from tests.Containers.toys import Affine, Cat, Halves, Plus, Tanh
from tests.gradcheck import checkModuleGrad


def dev(host, dtype=np.float64):
	return gpuarray.to_gpu(np.asarray(host, dtype=dtype))


def test_namesFollowTopologicalOrder():
	inp = Affine(4, name="inp").node()
	halves = Halves().node(inp)
	out = Cat().node(Tanh().node((halves, 0)), Tanh().node((halves, 1)))
	net = Graph(inputs=inp, outputs=out)
	assert [name for name, _ in net.named()] == ["inp", "Halves1", "Tanh2", "Tanh3", "Cat4"]
	assert sorted(n[0] for n in net.getVarTable().values()) == ["inp.W", "inp.b"]
	assert net["Tanh3"] is out.parents[1][0].module
	assert net.nodeByName("Cat4") is out


def test_severalInputsAndOutputs(rng):
	a, b = Affine(3, name="a", seed=1).node(), Affine(3, name="b", seed=2).node()
	s = Plus().node(a, b)
	t = Tanh().node(s)
	u = Affine(3, seed=3).node(s)
	net = Graph(inputs=[a, b], outputs=[t, u]).calcMode(np.float64)
	checkModuleGrad(net, [dev(rng.standard_normal((2, 3))), dev(rng.standard_normal((2, 3)))], rng)
	assert isinstance(net.grad, list) and len(net.grad) == 2


def test_fanOutSumsGradients(rng):
	"""x feeds three consumers; the input gradient is the sum of theirs."""
	x = Tanh(name="x").node()
	out = Plus().node(Affine(2, seed=1).node(x), Affine(2, seed=2).node(x), x)
	net = Graph(inputs=x, outputs=out).calcMode(np.float64)
	data = dev(rng.standard_normal((3, 2)))
	net(data)
	grad = net.backward(dev(np.ones((3, 2)))).get()

	w1, w2 = (net["Affine%d" % k].vars["W"].data.get() for k in (1, 2))
	np.testing.assert_allclose(grad, (w1 + w2 + 1) * (1 - np.tanh(data.get()) ** 2), rtol=1e-12)
	checkModuleGrad(net, data, rng)


def test_unusedListSlotGetsZeroGradient(rng):
	inp = Tanh(name="inp").node()
	halves = Halves().node(inp)
	net = Graph(inputs=inp, outputs=Affine(2).node((halves, 0))).calcMode(np.float64)
	data = dev(rng.standard_normal((2, 4)))
	net(data)
	grad = net.backward(dev(np.ones((2, 2)))).get()
	assert np.all(grad[:, 2:] == 0) and np.all(grad[:, :2] != 0)
	checkModuleGrad(net, data, rng)


def test_listParentPassedWholeAndBySlot(rng):
	inp = Affine(4, name="inp").node()
	halves = Halves().node(inp)
	out = Plus().node(Plus().node(halves), Tanh().node((halves, 1)))
	net = Graph(inputs=inp, outputs=out).calcMode(np.float64)
	checkModuleGrad(net, dev(rng.standard_normal((2, 4))), rng)


def test_outputMayBeOneSlotOfAList(rng):
	inp = Affine(4, name="inp").node()
	halves = Halves().node(inp)
	net = Graph(inputs=inp, outputs=[(halves, 1), Tanh().node((halves, 0))]).calcMode(np.float64)
	out = net(dev(rng.standard_normal((2, 4))))
	assert [o.shape for o in out] == [(2, 2), (2, 2)]
	checkModuleGrad(net, dev(rng.standard_normal((2, 4))), rng)


def test_graphInsideSequential(rng):
	inp = Affine(4, name="inp").node()
	halves = Halves().node(inp)
	graph = Graph(inputs=inp, outputs=Cat().node((halves, 1), (halves, 0)), name="swap")
	net = Sequential().extend([graph, Affine(4, name="head")]).calcMode(np.float64)
	assert sorted(n[0] for n in net.getVarTable().values()) == ["head.W", "head.b", "swap.inp.W", "swap.inp.b"]
	checkModuleGrad(net, dev(rng.standard_normal((2, 4))), rng)


def test_cycleIsAnError():
	inp = Tanh(name="inp").node()
	a = Tanh(name="a").node(inp)
	b = Plus(name="b").node(a)
	a.addParent(b)
	with pytest.raises(ValueError, match="cycle in the graph: Plus 'b' -> Tanh 'a' -> Plus 'b'"):
		Graph(inputs=inp, outputs=b)


def test_duplicateNameIsAnError():
	inp = Tanh(name="same").node()
	with pytest.raises(ValueError, match="duplicate name 'same'"):
		Graph(inputs=inp, outputs=Tanh(name="same").node(inp))


def test_unreachableOutputIsAnError():
	inp = Tanh(name="inp").node()
	other = Tanh(name="other").node()
	Tanh(name="c").node(inp)
	with pytest.raises(ValueError, match="'other' has no parents but is not among the graph inputs"):
		Graph(inputs=inp, outputs=[Tanh(name="o").node(inp), other])

	lone = Tanh(name="lone").node()
	with pytest.raises(ValueError, match="input 1 .*'x'.* does not lead to any output"):
		Graph(inputs=[lone, Tanh(name="x").node()], outputs=Tanh(name="y").node(lone))


def test_danglingNodeIsAnError():
	inp = Tanh(name="inp").node()
	out = Tanh(name="out").node(inp)
	Tanh(name="forgotten").node(inp)
	with pytest.raises(ValueError, match="'forgotten' is computed from the graph but reaches no output"):
		Graph(inputs=inp, outputs=out)


def test_structureErrors():
	inp = Tanh(name="inp").node()
	mid = Tanh(name="mid").node(inp)
	with pytest.raises(ValueError, match="has parents"):
		Graph(inputs=mid, outputs=Tanh().node(mid))

	shared = Tanh(name="shared")
	x = shared.node()
	with pytest.raises(ValueError, match="used by two nodes"):
		Graph(inputs=x, outputs=shared.node(x))

	with pytest.raises(TypeError, match=r"a parent is a Node or \(Node, int index\)"):
		Tanh().node("inp")
	with pytest.raises(TypeError, match="an output is a Node"):
		Graph(inputs=inp, outputs="out")


def test_inputListMustMatch():
	a, b = Tanh(name="a").node(), Tanh(name="b").node()
	net = Graph(inputs=[a, b], outputs=Plus().node(a, b), name="g")
	with pytest.raises(TypeError, match="Graph 'g': expected a list of 2 input arrays"):
		net(dev(np.zeros((2, 2)), np.float32))


def test_badSlotIndexIsAnError(rng):
	inp = Halves(name="h").node()
	net = Graph(inputs=inp, outputs=Tanh().node((inp, 5)))
	with pytest.raises(ValueError, match="cannot take output 5"):
		net(dev(rng.standard_normal((2, 4)), np.float32))


def test_givenNamesWinOverDefaults():
	inp = Tanh(name="inp").node()
	first = Tanh().node(inp)
	out = Tanh(name="Tanh1").node(first)
	net = Graph(inputs=inp, outputs=out)
	assert [name for name, _ in net.named()] == ["inp", "Tanh2", "Tanh1"]
