"""Test-only modules (host numpy math) so container tests do not depend on the real layers."""
import numpy as np

from framework.Backend import gpuarray
from framework.Modules.Module import Module
from framework.Variable import Variable


def _dev(host, dtype):
	return gpuarray.to_gpu(np.ascontiguousarray(host, dtype=dtype))


class Affine(Module):
	"""y = x * W + b per column of (batch, n)."""

	def __init__(self, n, name=None, seed=0):
		super().__init__(name)
		rng = np.random.default_rng(seed)
		self.setVar("W", Variable(_dev(rng.uniform(0.5, 1.5, n), self.calctype)))
		self.setVar("b", Variable(_dev(rng.uniform(-0.5, 0.5, n), self.calctype)))
		self.n = n


	def updateData(self, data):
		return _dev(data.get() * self.vars["W"].data.get() + self.vars["b"].data.get(), self.calctype)


	def updateGrad(self, grad):
		return _dev(grad.get() * self.vars["W"].data.get(), self.calctype)


	def accGradParams(self, grad):
		g, x = grad.get(), self.inData.get()
		for name, value in (("W", (g * x).sum(0)), ("b", g.sum(0))):
			var = self.vars[name]
			var.grad.set((var.grad.get() + value).astype(self.calctype))


	def checkDataShape(self, shape):
		if len(shape) != 2 or shape[1] != self.n:
			raise self.moduleError("expected (batch, %d), got %s" % (self.n, tuple(shape)))


class Tanh(Module):
	def updateData(self, data):
		return _dev(np.tanh(data.get()), self.calctype)


	def updateGrad(self, grad):
		return _dev(grad.get() * (1 - self.data.get() ** 2), self.calctype)


class Halves(Module):
	"""Splits columns into two halves: returns a list."""

	def updateData(self, data):
		x, h = data.get(), data.shape[1] // 2
		return [_dev(x[:, :h], self.calctype), _dev(x[:, h:], self.calctype)]


	def updateGrad(self, grad):
		return _dev(np.concatenate([g.get() for g in grad], axis=1), self.calctype)


	def checkGrad(self, grad):
		self._checkArray(grad, "gradient")


class ListInput(Module):
	def checkData(self, data):
		self._checkArray(data, "input")


class Plus(ListInput):
	"""Sum of a list of same-shape arrays."""

	def updateData(self, data):
		return _dev(sum(d.get() for d in data), self.calctype)


	def updateGrad(self, grad):
		return [grad.copy() for _ in self.inData]


class Cat(ListInput):
	"""Concatenation of a list along columns."""

	def updateData(self, data):
		return _dev(np.concatenate([d.get() for d in data], axis=1), self.calctype)


	def updateGrad(self, grad):
		g, out, start = grad.get(), [], 0
		for d in self.inData:
			out.append(_dev(g[:, start:start + d.shape[1]], self.calctype))
			start += d.shape[1]
		return out


	def checkGrad(self, grad):
		self._checkArray(grad, "gradient")
