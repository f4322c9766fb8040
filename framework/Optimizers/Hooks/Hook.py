"""The base of gradient hooks: called with the optimizer's groups before every update.

Each group (framework.Optimizers.ParamLayout.Group) is what one kernel launch acts on: .data, .grad,
.range (None: one variable's own arrays; else the slice of the dtype's global buffers a run of variables
covers) and the run's multipliers .learnRate, .momRate, .weightDecay. A hook rewrites group.grad over
group.range in place. Frozen variables (learnRate multiplier 0) are in no group. A hook that returns True
skips the step: the optimizer then changes nothing (parameters, state and t stay as they are).
"""
import numbers

import numpy as np


class Hook:
	def __call__(self, groups):
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


	def __call__(self, groups):
		for group in groups:
			rate = self.rate * group.weightDecay
			if rate != 0.0:
				self.kernel(group.grad, group.data, rate, range=group.range)
