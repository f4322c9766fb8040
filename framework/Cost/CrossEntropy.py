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

# One work item per row (run over range(0, rows)) does the whole cost for its row: the row's log-sum-exp,
# shifted by the row maximum so that exp cannot overflow, its share of the error and its gradient row.
# A label outside [0, cols) makes the row's error and gradient NaN instead of reading out of bounds; the
# cost then names it. Fused because five launches (and their Python overhead) cost more than the math.
ceRows = ElementwiseKernel(
	"T *grad, double *rowError, const T *x, const int *labels, const T *weights, const double *wsum, int cols",
	"""
	const T *row = x + (long)i * cols;
	T *out = grad + (long)i * cols;
	int y = labels[i];
	if (y < 0 || y >= cols)
	{
		for (int c = 0; c < cols; c++) out[c] = 0.0 / 0.0;
		rowError[i] = 0.0 / 0.0;
	}
	else
	{
		T m = row[0];
		for (int c = 1; c < cols; c++) m = row[c] > m ? row[c] : m;
		T s = 0.0;
		for (int c = 0; c < cols; c++) s += expf(row[c] - m);
		T lse = m + logf(s), scale = weights[y] / (T)wsum[0];
		for (int c = 0; c < cols; c++) out[c] = scale * (expf(row[c] - lse) - (c == y ? 1.0 : 0.0));
		rowError[i] = (double)weights[y] * (double)(lse - row[y]) / wsum[0];
	}
	""",
	"ceRows"
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
		rows = pred.shape[0]
		self.cachedGrad, rowError = gpuarray.empty_like(pred), gpuarray.empty((rows, ), np.float64)
		ceRows(self.cachedGrad, rowError, pred, target, self.weightsFor(pred), self.labelWeightSum(pred, target),
			pred.shape[1], range=slice(0, rows))
		return sumRows(rowError)


	def calcGrad(self, pred, target):
		if self.cachedGrad is None:  # every path through Cost.__call__ has run calcError first
			self.calcError(pred, target)
		grad, self.cachedGrad = self.cachedGrad, None
		return grad
