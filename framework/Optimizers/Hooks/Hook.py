"""The base of gradient hooks: called with the optimizer's launch list before every update.

Each launch has .var (a Variable in local mode, a group of variables over the global buffers
in global mode; both expose .data, .grad, .learnRate, .momRate, .weightDecay) and .range
(None, or the slice of the global buffers the group covers). A hook rewrites var.grad in place.
Frozen variables (learnRate multiplier 0) are not in the list.
"""
import numbers

import numpy as np


class Hook:
	def __call__(self, launches):
		raise NotImplementedError


	def checkParam(self, name, value, low=0.0):
		if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
			raise TypeError("%s: %s must be a real number, got %r" % (type(self).__name__, name, value))
		if not np.isfinite(value) or value < low:
			raise ValueError("%s: %s must be a finite number >= %s, got %r" % (type(self).__name__, name, low, value))
		return float(value)


	def __repr__(self):
		return "%s(%s)" % (type(self).__name__, ", ".join("%s=%r" % item for item in vars(self).items()))


class PenaltyHook(Hook):
	"""A penalty whose gradient is added per variable: g += rate x var.weightDecay x f(theta), f given by `kernel`."""
	kernel = None  # ElementwiseKernel("T *grad, const T *param, T rate", ...)

	def __init__(self, rate):
		self.rate = self.checkParam("rate", rate)


	def __call__(self, launches):
		for launch in launches:
			rate = self.rate * launch.var.weightDecay
			if rate != 0.0:
				self.kernel(launch.var.grad, launch.var.data, rate, range=launch.range)
