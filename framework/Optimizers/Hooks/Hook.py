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
