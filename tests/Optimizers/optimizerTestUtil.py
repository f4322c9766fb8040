"""Helpers shared by the optimizer tests (the registry itself is tests/Optimizers/cases.py)."""
import numpy as np

from framework.Variable import Variable


class Mult:
	"""The multipliers the numpy references read."""

	def __init__(self, learnRate=1.0, momRate=1.0, weightDecay=1.0):
		self.learnRate, self.momRate, self.weightDecay = learnRate, momRate, weightDecay


def quadraticGrad(p, k):
	"""Gradient of a separable quadratic with a curvature per element: sum c (p - target)^2 / 2."""
	n = p.size
	c = np.linspace(0.5, 2.0, n).reshape(p.shape)
	target = np.sin(np.arange(n) + k).reshape(p.shape)
	return (c * (p - target)).astype(p.dtype)


def makeNet(dtype, seed=7):
	"""A small two-layer linear net as plain Variables, with mixed multipliers and a frozen variable."""
	rng = np.random.default_rng(seed)
	W1 = Variable(rng.normal(0, 0.5, (5, 4)).astype(dtype), name="l1.W")
	b1 = Variable(rng.normal(0, 0.1, (5, )).astype(dtype), name="l1.b")
	W2 = Variable(rng.normal(0, 0.5, (3, 5)).astype(dtype), name="l2.W")
	b2 = Variable(rng.normal(0, 0.1, (3, )).astype(dtype), name="l2.b")
	frozen = Variable(rng.normal(0, 1, (7, )).astype(dtype), name="frozen")
	W1.learnRate, b1.momRate, W2.weightDecay, b2.learnRate = 0.5, 0.25, 0.0, 2.0
	frozen.learnRate = 0.0

	x = rng.normal(0, 1, (16, 4)).astype(dtype)
	y = rng.normal(0, 1, (16, 3)).astype(dtype)
	return [W1, b1, W2, b2, frozen], (x, y)


def netLossAndGrads(variables, data):
	"""MSE of y = W2 (W1 x + b1) + b2 plus a tiny term on the frozen variable; ADDS the gradients into var.grad."""
	W1, b1, W2, b2, frozen = (v.data.get() for v in variables)
	x, y = data
	h = x @ W1.T + b1
	out = h @ W2.T + b2
	d = 2 * (out - y) / out.size
	dh = d @ W2
	grads = [dh.T @ x, dh.sum(0), d.T @ h, d.sum(0), 0.01 * frozen]
	for var, grad in zip(variables, grads):
		var.grad.set((var.grad.get() + grad).astype(var.dtype))
	return float(np.mean((out - y) ** 2))
