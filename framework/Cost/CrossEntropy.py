"""Softmax cross-entropy on logits with integer labels."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Cost.Cost import LabelCost


# log(sum(exp(x))) per row, shifted by the row maximum so that exp cannot overflow.
rowLogSumExp = ElementwiseKernel(
	"T *lse, const T *x, int cols",
	"""
	const T *row = x + (long)i * cols;
	T m = row[0];
	for (int c = 1; c < cols; c++) m = row[c] > m ? row[c] : m;
	T s = 0.0;
	for (int c = 0; c < cols; c++) s += expf(row[c] - m);
	lse[i] = m + logf(s);
	""",
	"ceRowLogSumExp"
)

# The weighted mean divides by the total weight of the labels present (PyTorch's convention).
ceWeightSum = ReductionKernel(
	np.float64, "0", "a + b", "(labels[i] >= 0 && labels[i] < cols) ? (double)weights[labels[i]] : 0.0",
	"const int *labels, const T *weights, int cols", "ceWeightSum"
)

# A label outside [0, cols) makes its term NaN instead of reading out of bounds; the cost then names it.
ceError = ReductionKernel(
	np.float64, "0", "a + b",
	"(labels[i] >= 0 && labels[i] < cols) ? "
	"(double)weights[labels[i]] * (double)(lse[i] - x[(long)(i) * cols + labels[i]]) / wsum[0] : 0.0 / 0.0",
	"const int *labels, const T *lse, const T *x, const T *weights, const double *wsum, int cols", "ceError"
)

ceGrad = ElementwiseKernel(
	"T *grad, const T *x, const T *lse, const int *labels, const T *weights, const double *wsum, int cols",
	"""
	long r = i / cols;
	int c = (int)(i - r * cols), y = labels[r];
	grad[i] = (y >= 0 && y < cols) ? weights[y] * (expf(x[i] - lse[r]) - (c == y ? 1.0 : 0.0)) / (T)wsum[0] : 0.0 / 0.0;
	""",
	"ceGrad"
)


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
		self.weights = {}


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


	def prepare(self, pred, target):
		lse = gpuarray.empty((pred.shape[0], ), pred.dtype)
		rowLogSumExp(lse, pred, pred.shape[1])
		weights = self.weightsFor(pred)
		return lse, weights, ceWeightSum(target, weights, pred.shape[1])


	def __call__(self, pred, target, queryError=True):
		self.cache = None
		return super().__call__(pred, target, queryError)


	def calcError(self, pred, target):
		self.cache = self.prepare(pred, target)
		lse, weights, wsum = self.cache
		return ceError(target, lse, pred, weights, wsum, pred.shape[1])


	def calcGrad(self, pred, target):
		lse, weights, wsum = self.cache if self.cache is not None else self.prepare(pred, target)
		grad = gpuarray.empty_like(pred)
		ceGrad(grad, pred, lse, target, weights, wsum, pred.shape[1])
		return grad
