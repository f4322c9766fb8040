"""Graphs of the real layers: split and merge, replicate and add, the issue's snippet."""
import numpy as np

from framework.Backend import gpuarray
from framework.Containers import Graph
from framework.Cost import MSE
from framework.Modules import Activation, Add, Concat, Linear, Replicate, Split, relu, sigmoid, tanh
from tests.gradcheck import checkModuleGrad


def dev(host):
	return gpuarray.to_gpu(np.asarray(host, dtype=np.float64))


def test_splitAndConcatGraphGradcheck(rng):
	inp = Linear(6, 6, name="in").node()
	parts = Split(axis=1, sections=[2, 4]).node(inp)
	left = Activation(tanh).node((parts, 0))
	right = Linear(4, 3).node((parts, 1))
	out = Concat(axis=1).node(left, right, (parts, 1))
	net = Graph(inputs=inp, outputs=out).calcMode(np.float64)
	assert net(dev(rng.standard_normal((3, 6)))).shape == (3, 9)
	checkModuleGrad(net, dev(rng.standard_normal((3, 6))), rng)


def test_replicateAndAddGraphGradcheck(rng):
	inp = Linear(4, 5, name="in").node()
	copies = Replicate(3).node(inp)
	branches = [Linear(5, 5).node((copies, 0)), Activation(sigmoid).node((copies, 1)), (copies, 2)]
	out = Linear(5, 2).node(Add().node(*branches))
	net = Graph(inputs=inp, outputs=out).calcMode(np.float64)
	checkModuleGrad(net, dev(rng.standard_normal((3, 4))), rng)


def test_issueSnippetGraph():
	np.random.seed(0)
	inp = Linear(8, 16, name="in").node()
	a = Activation(relu).node(inp)
	b = Activation(sigmoid).node(inp)
	out = Linear(32, 1).node(Concat(axis=1).node(a, b))
	net = Graph(inputs=inp, outputs=out)
	assert [name for name, _ in net.named()] == ["in", "Activation1", "Activation2", "Concat3", "Linear4"]

	x = gpuarray.to_gpu(np.random.randn(4, 8).astype(np.float32))
	y = gpuarray.to_gpu(np.random.randn(4, 1).astype(np.float32))
	error, grad = MSE()(net(x), y)
	net.backward(grad)
	assert error > 0 and net.grad.shape == (4, 8)
	assert all(np.abs(var.grad.get()).sum() > 0 for var in net.getVarTable())
