"""Softmax cross-entropy on logits with integer labels."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Cost.Cost import LabelCost


# The weighted mean divides by the total weight of the labels present (PyTorch's convention).
ceWeightSum = ReductionKernel(
	np.float64, "0", "a + b", "(labels[i] >= 0 && labels[i] < cols) ? (double)weights[labels[i]] : 0.0",
	"const int *labels, const T *weights, int cols", "ceWeightSum"
)

# Two launches. ceRowStats, one work item per row (its first array, rowError, has one entry per row, so the
# launch count is the row count without a range): the row's log-sum-exp, shifted by the row maximum so that exp
# cannot overflow, and its share of the error. ceGrad, one work item per element of the gradient: the softmax
# minus the one-hot label, scaled. A label outside [0, cols) makes the row's error and gradient NaN instead of
# reading out of bounds (the cost then names it); a NaN logit makes them NaN through the sum of exponentials.
ceRowStats = ElementwiseKernel(
	"double *rowError, T *lse, const T *x, const int *labels, const T *weights, const double *wsum, int cols",
	"""
	const T *row = x + (long)i * cols;
	int y = labels[i];
	if (y < 0 || y >= cols)
	{
		lse[i] = 0.0 / 0.0;
		rowError[i] = 0.0 / 0.0;
	}
	else
	{
		T m = row[0];
		for (int c = 1; c < cols; c++) m = row[c] > m ? row[c] : m;
		T s = 0.0;
		for (int c = 0; c < cols; c++) s += expf(row[c] - m);
		T l = m + logf(s);
		lse[i] = l;
		rowError[i] = (double)weights[y] * (double)(l - row[y]) / wsum[0];
	}
	""",
	"ceRowStats"
)

ceGrad = ElementwiseKernel(
	"T *grad, const T *x, const T *lse, const int *labels, const T *weights, const double *wsum, int cols",
	"""
	long r = i / cols;
	int c = (int)(i - r * cols), y = labels[r];
	T scale = (y < 0 || y >= cols) ? 0.0 / 0.0 : weights[y] / (T)wsum[0];
	grad[i] = scale * (expf(x[i] - lse[r]) - (c == y ? 1.0 : 0.0));
	""",
	"ceGrad"
)

sumRows = ReductionKernel(np.float64, "0", "a + b", "rowError[i]", "const double *rowError", "ceSumRows")


class CrossEntropy(LabelCost):
	"""CrossEntropy(weights=None): L = sum_n w[y_n] (logsumexp(x_n) - x_n[y_n]) / sum_n w[y_n].

	Logits (N, C), int32 labels (N, ) in [0, C), optional class weights (C, ) as a numpy or device array.
	Equals torch.nn.CrossEntropyLoss(weight=weights, reduction="mean"); validate() gives the error rate.
	"""

	def __init__(self, weights=None):
		super().__init__()
		if weights is not None:
			host = weights.get() if gpuarray.isArray(weights) else np.asarray(weights)
			if host.ndim != 1 or host.size == 0 or host.dtype.kind not in "fiu":
				raise ValueError("CrossEntropy: weights must be a non-empty 1-d numeric array, got shape %s dtype %s" % (
					host.shape, host.dtype
				))
			weights = host.astype(np.float64)
		self.hostWeights = weights
		self.weights, self.counts = {}, {}
		self.cachedGrad = None


	def checkTarget(self, pred, target):
		super().checkTarget(pred, target)
		if self.hostWeights is not None and self.hostWeights.size != pred.shape[1]:
			raise self.costError("has %d class weights but the logits have %d classes" % (self.hostWeights.size, pred.shape[1]))


	def weightsFor(self, pred):
		"""The class weights on the device in the prediction's dtype (ones without weights), made once."""
		key = (pred.dtype, pred.shape[1])
		if key not in self.weights:
			host = self.hostWeights if self.hostWeights is not None else np.ones(pred.shape[1])
			self.weights[key] = gpuarray.to_gpu(host.astype(pred.dtype))
		return self.weights[key]


	def labelWeightSum(self, pred, target):
		"""The divisor of the mean: the labels' total weight, or, without weights, the row count (cached)."""
		if self.hostWeights is not None:
			return ceWeightSum(target, self.weightsFor(pred), pred.shape[1])
		count = self.counts.get(pred.shape[0])
		if count is None:
			count = self.counts[pred.shape[0]] = gpuarray.to_gpu(np.array(pred.shape[0], dtype=np.float64))
		return count


	def calcError(self, pred, target):
		rows, cols = pred.shape
		rowError, lse = gpuarray.empty((rows, ), np.float64), gpuarray.empty((rows, ), pred.dtype)
		weights, wsum = self.weightsFor(pred), self.labelWeightSum(pred, target)
		ceRowStats(rowError, lse, pred, target, weights, wsum, cols)
		self.cachedGrad = gpuarray.empty_like(pred)
		ceGrad(self.cachedGrad, pred, lse, target, weights, wsum, cols)
		return sumRows(rowError)


	def calcGrad(self, pred, target):
		if self.cachedGrad is None:  # every path through Cost.__call__ has run calcError first
			self.calcError(pred, target)
		grad, self.cachedGrad = self.cachedGrad, None
		return grad
