"""A trainable array with its gradient and per-variable optimizer multipliers."""
import numpy as np

from framework.Backend import gpuarray


class Variable:
	"""Variable(data, name=None, grad=None, withgrad=True).

	`data` is a device array (a numpy array is copied to the device). `grad` has
	the same shape and dtype and accumulates dL/d(data) until the optimizer zeroes it.
	`learnRate`, `momRate` and `weightDecay` multiply the optimizer's own settings
	for this variable only (0 freezes it); they survive global state.
	"""
	# How many Variables were ever made: an optimizer set up on a Module re-reads the module's variables only when
	# this moved, so a variable replaced by setVar after setupOn is an error at the next update, at no cost per step.
	created = 0

	def __init__(self, data, name=None, grad=None, withgrad=True):
		if isinstance(data, np.ndarray):
			data = gpuarray.to_gpu(data)
		if not gpuarray.isArray(data):
			raise TypeError("Variable %r: data must be a device or numpy array, got %s" % (name, type(data).__name__))

		if grad is None and withgrad:
			grad = gpuarray.zeros_like(data)
		elif grad is not None and (grad.shape != data.shape or grad.dtype != data.dtype):
			raise ValueError("Variable %r: grad must match data (%s %s), got %s %s" % (
				name, data.shape, data.dtype, grad.shape, grad.dtype
			))

		self.data, self.grad, self.name = data, grad, name
		Variable.created += 1
		self.learnRate, self.momRate, self.weightDecay = 1.0, 1.0, 1.0

	shape = property(lambda self: self.data.shape)
	dtype = property(lambda self: self.data.dtype)
	size = property(lambda self: self.data.size)

	def set(self, ary):
		"""Copies a host array (or another Variable's data) into this variable in place."""
		ary = ary.data.get() if isinstance(ary, Variable) else ary
		self.data.set(np.asarray(ary))


	def __repr__(self):
		return "Variable(name=%r, shape=%s, dtype=%s)" % (self.name, self.shape, self.dtype)
