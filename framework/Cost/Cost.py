"""The base of every cost: error and gradient on the device, an epoch accumulator, a validation metric.

A subclass implements:
  checkTarget(pred, target)            raise self.costError(...) on a bad target
  calcError(pred, target) -> 0-d float64 device array, the mean loss (a ReductionKernel)
  calcGrad(pred, target) -> dL/d(pred) (an ElementwiseKernel)
  calcVal(pred, target) -> 0-d device array, the validation metric (default: the error)
"""
import math

import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel


# The epoch sums (of the error and of the metric) live on the device so that a training step never waits for them.
accumulateWeighted = ElementwiseKernel(
	"double *acc, const double *value, double weight", "acc[i] += weight * value[i]", "costAccumulateWeighted"
)

# A classifier's validation metric: the share of rows whose largest logit is not the label. NaN for a bad label
# and for a row holding a NaN logit (a comparison with NaN is false, so the argmax alone would skip it).
# One work item per row: the first array, miss, has one entry per row, so the launch needs no range.
rowMisses = ElementwiseKernel(
	"T *miss, const T *x, const int *labels, int cols",
	"""
	const T *row = x + (long)i * cols;
	int best = 0, hasNaN = row[0] != row[0];
	for (int c = 1; c < cols; c++)
	{
		best = row[c] > row[best] ? c : best;
		hasNaN |= row[c] != row[c];
	}
	int y = labels[i];
	miss[i] = (y < 0 || y >= cols || hasNaN) ? 0.0 / 0.0 : (best != y ? 1.0 : 0.0);
	""",
	"costRowMisses"
)

meanOf = ReductionKernel(np.float64, "0", "a + b", "scale * (double)x[i]", "const T *x, double scale", "costMeanOf")


def errorRate(logits, labels):
	"""0-d float64 device array: the fraction of rows misclassified by argmax."""
	miss = gpuarray.empty((logits.shape[0], ), logits.dtype)
	rowMisses(miss, logits, labels, logits.shape[1])
	return meanOf(miss, 1.0 / logits.shape[0])


class Cost:
	"""error, grad = cost(pred, target); grad = dL/d(pred) of the mean loss L; see the module docstring."""

	def __init__(self):
		self.accumErr, self.accumVal = None, None
		self.totalSamples, self.valSamples = 0, 0
		self.error, self.devErr, self.grad = None, None, None


	def describe(self):
		return type(self).__name__


	def costError(self, message, kind=ValueError):
		return kind("%s: %s" % (self.describe(), message))


	# --- error and gradient ----------------------------------------------------------------------------

	def __call__(self, pred, target, queryError=True):
		"""Returns (error, grad), or only grad with queryError=False (then nothing is read back from the device)."""
		self.checkInput(pred, target)

		self.devErr = self.calcError(pred, target)
		if self.accumErr is None:
			self.accumErr = gpuarray.zeros((1, ), np.float64)
		accumulateWeighted(self.accumErr, self.devErr, float(pred.shape[0]))
		self.totalSamples += pred.shape[0]

		self.grad = self.calcGrad(pred, target)
		if not queryError:
			return self.grad

		self.error = float(self.devErr.get())
		if not math.isfinite(self.error):
			self.diagnose(pred, target)
		return self.error, self.grad


	def validate(self, pred, target, queryValue=True):
		"""The metric on one batch: the error rate for classifiers, the error for regression costs.

		It is also added to the metric's accumulator (getMeanValue); with queryValue=False that is all, nothing is
		read back from the device and None is returned.
		"""
		self.checkInput(pred, target)
		devVal = self.calcVal(pred, target)
		if self.accumVal is None:
			self.accumVal = gpuarray.zeros((1, ), np.float64)
		accumulateWeighted(self.accumVal, devVal, float(pred.shape[0]))
		self.valSamples += pred.shape[0]
		if not queryValue:
			return None

		value = float(devVal.get())
		if not math.isfinite(value):
			self.diagnose(pred, target)
		return value


	def getMeanError(self):
		"""Mean error over every batch since the last reset, each weighted by its batch size."""
		if self.totalSamples == 0:
			return 0.0
		return float(self.accumErr.get()[0]) / self.totalSamples


	def getMeanValue(self):
		"""Mean metric over every validate() since the last reset, each weighted by its batch size."""
		if self.valSamples == 0:
			return 0.0
		return float(self.accumVal.get()[0]) / self.valSamples


	def resetAccumulator(self):
		"""Zeroes both accumulators (error and metric)."""
		for acc in (self.accumErr, self.accumVal):
			if acc is not None:
				acc.fill(0)
		self.totalSamples, self.valSamples = 0, 0


	def calcVal(self, pred, target):
		return self.calcError(pred, target)


	def calcError(self, pred, target):
		raise NotImplementedError


	def calcGrad(self, pred, target):
		raise NotImplementedError


	# --- checks ------------------------------------------------------------------------------------------

	def checkInput(self, pred, target):
		if not gpuarray.isArray(pred):
			raise self.costError("expected a device array as prediction, got %s" % type(pred).__name__, TypeError)
		if pred.dtype not in (np.float32, np.float64):
			raise self.costError("expected a float32 or float64 prediction, got %s" % pred.dtype, TypeError)
		if pred.ndim < 1 or pred.shape[0] == 0:
			raise self.costError("expected a prediction with a non-empty batch axis, got shape %s" % (pred.shape, ))
		if not gpuarray.isArray(target):
			raise self.costError("expected a device array as target, got %s" % type(target).__name__, TypeError)
		self.checkTarget(pred, target)


	def checkTarget(self, pred, target):
		"""Default: a target of the prediction's shape and dtype."""
		if target.dtype != pred.dtype:
			raise self.costError("expected a target of dtype %s (the prediction's), got %s" % (pred.dtype, target.dtype), TypeError)
		if tuple(target.shape) != tuple(pred.shape):
			raise self.costError("expected a target of shape %s (the prediction's), got %s" % (
				tuple(pred.shape), tuple(target.shape)
			))


	def checkHostTarget(self, target, pred):
		"""Checks a whole numpy target once, before any of it is staged (Trainer and Validator call it per call, with the
		first batch's prediction); regression targets need nothing beyond the device checks."""
		pass


	def diagnose(self, pred, target):
		"""Called when the error is not finite; classifiers name out-of-range labels here (the kernels yield NaN for them)."""
		pass


	def __repr__(self):
		return self.describe()


class LabelCost(Cost):
	"""A classifier over logits (N, C) with int32 labels (N, ) in [0, C)."""

	def checkTarget(self, pred, target):
		if pred.ndim != 2:
			raise self.costError("expected logits of shape (batch, classes), got %s" % (tuple(pred.shape), ))
		if target.dtype != np.int32:
			raise self.costError("expected int32 labels, got %s" % target.dtype, TypeError)
		if tuple(target.shape) != (pred.shape[0], ):
			raise self.costError("expected labels of shape %s, got %s" % ((pred.shape[0], ), tuple(target.shape)))


	def calcVal(self, pred, target):
		return errorRate(pred, target)


	def checkHostTarget(self, target, pred):
		"""Integer labels in [0, classes): checked on the user's array, so a bad label is named where the user put it
		and never reaches the int32 cast of staging (which would wrap 2**33 to 0)."""
		if target.dtype.kind not in "iu":
			raise self.costError("expected integer labels, got %s" % target.dtype, TypeError)
		if not gpuarray.isArray(pred) or pred.ndim != 2 or target.ndim != 1:
			return  # the device checks (checkInput) name what is wrong with them
		bad = np.flatnonzero((target < 0) | (target >= pred.shape[1]))
		if bad.size > 0:
			k = int(bad[0])
			raise self.costError("labels must lie in [0, %d), got %d at index %d of the target array (%d bad)" % (
				pred.shape[1], target[k], k, bad.size
			))


	def diagnose(self, pred, target):
		labels = target.get()
		bad = (labels < 0) | (labels >= pred.shape[1])
		if bad.any():
			k = int(np.argmax(bad))
			raise self.costError("labels must lie in [0, %d), got %d at position %d (%d bad in the batch)" % (
				pred.shape[1], labels[k], k, int(bad.sum())
			))
