"""The shared part of BatchNorm1D and BatchNorm2D: batch normalisation of an input viewed as (N, C, S)."""
import numbers

import numpy as np

from framework.Backend import Blas, gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Module import Module
from framework.Modules.Utils import checkPositiveInt
from framework.Variable import Variable

# Every kernel but `statistics` takes one work item per (n, c) run of S elements: the run shares its channel,
# so the index arithmetic is paid once per run. Per-channel totals of the run sums go through BLAS.

# rowSum[r] = sum_s (x[r, s] - shift[c])^power for power 1 or 2
rowMoment = ElementwiseKernel(
	"T *rowSum, const T *x, const T *shift, int power, int C, int S",
	"""
	const T *src = x + (long)i * S;
	T m = shift[i % C], acc = 0;
	if (power == 1)
		for (int s = 0; s < S; s++) acc += src[s] - m;
	else
		for (int s = 0; s < S; s++) { T d = src[s] - m; acc += d * d; }
	rowSum[i] = acc;
	""",
	"batchNormRowMoment"
)

# Per channel: 1/sqrt(var + eps) for this batch, and the torch running averages (unbiased variance).
statistics = ElementwiseKernel(
	"T *invstd, T *runMean, T *runVar, const T *mean, const T *var, T epsilon, T momentum, T unbias",
	"""
	invstd[i] = 1.0 / sqrtf(var[i] + epsilon);
	runMean[i] = (1.0 - momentum) * runMean[i] + momentum * mean[i];
	runVar[i] = (1.0 - momentum) * runVar[i] + momentum * var[i] * unbias;
	""",
	"batchNormStatistics"
)

evalInvStd = ElementwiseKernel(
	"T *invstd, const T *runVar, T epsilon", "invstd[i] = 1.0 / sqrtf(runVar[i] + epsilon)", "batchNormEvalInvStd"
)

# xhat = (x - mean) * invstd, y = scale * xhat + bias; without affine, scale and bias are not read.
normalise = ElementwiseKernel(
	"T *y, T *xhat, const T *x, const T *mean, const T *invstd, const T *scale, const T *bias, "
	"int affine, int C, int S, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		long r = i;
		int c = (int)(r % C);
		T m = mean[c], k = invstd[c], a = affine ? scale[c] : (T)1, b = affine ? bias[c] : (T)0;
		for (int s = 0; s < S; s++)
		{
			T h = (x[r * S + s] - m) * k;
			xhat[r * S + s] = h;
			y[r * S + s] = a * h + b;
		}
	}
	""",
	"batchNormNormalise"
)

# sumG[r] = sum_s g, sumGH[r] = sum_s g * xhat over one run
rowGradSums = ElementwiseKernel(
	"T *sumG, T *sumGH, const T *grad, const T *xhat, int S",
	"""
	long r = i;
	T a = 0, b = 0;
	for (int s = 0; s < S; s++) { T g = grad[r * S + s]; a += g; b += g * xhat[r * S + s]; }
	sumG[i] = a;
	sumGH[i] = b;
	""",
	"batchNormGradSums"
)

# dx = scale * invstd * (g - mean(g) - xhat * mean(g * xhat)), the means per channel over the batch;
# evaluation (train = 0): dx = scale * invstd * g
backwardRows = ElementwiseKernel(
	"T *dx, const T *grad, const T *xhat, const T *invstd, const T *scale, const T *sumG, const T *sumGH, "
	"int train, int affine, T invM, int C, int S, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		long r = i;
		int c = (int)(r % C);
		T k = affine ? scale[c] * invstd[c] : invstd[c];
		T mg = train ? invM * sumG[c] : (T)0, mgh = train ? invM * sumGH[c] : (T)0;
		for (int s = 0; s < S; s++) dx[r * S + s] = k * (grad[r * S + s] - mg - xhat[r * S + s] * mgh);
	}
	""",
	"batchNormBackward"
)


class BatchNormND(Module):
	"""y = scale * (x - mean) / sqrt(var + epsilon) + bias per channel (torch semantics, biased var to normalise).

	Training uses the batch statistics and updates the attributes "mean" and "var":
	run = (1 - momentum) * run + momentum * batch (var unbiased); evaluation uses them.
	"""

	def __init__(self, size, epsilon=1e-5, momentum=0.1, affine=True, name=None):
		super().__init__(name)
		who = self.describe()
		self.size = checkPositiveInt(who, "size", size)
		for what, value in (("epsilon", epsilon), ("momentum", momentum)):
			if not isinstance(value, numbers.Real) or isinstance(value, bool) or not 0 <= value <= (1 if what == "momentum" else np.inf):
				raise ValueError("%s: %s must be a number in [0, %s], got %r" % (who, what, 1 if what == "momentum" else "inf", value))
		self.epsilon, self.momentum, self.affine = float(epsilon), float(momentum), bool(affine)

		if self.affine:
			self.setVar("scale", Variable(gpuarray.to_gpu(np.ones(size, dtype=self.calctype))))
			self.setVar("bias", Variable(gpuarray.zeros((size, ), self.calctype)))
		self.setAttr("mean", gpuarray.zeros((size, ), self.calctype))
		self.setAttr("var", gpuarray.to_gpu(np.ones(size, dtype=self.calctype)))

		self.xhat, self.invstd, self.trained, self.sums = None, None, False, None


	def layout(self, shape):
		"""(N, C, S): batch, channels, and the elements per channel and sample."""
		raise NotImplementedError


	def params(self):
		# without affine the kernels take invstd as a placeholder they never read
		return (self.vars["scale"].data, self.vars["bias"].data) if self.affine else (self.invstd, self.invstd)


	def updateData(self, data):
		N, C, S = self.layout(data.shape)
		self.sums, self.trained = None, self.train
		self.invstd = gpuarray.empty((C, ), self.calctype)

		if self.train:
			M = N * S
			rows, zero = gpuarray.empty((N, C), self.calctype), gpuarray.zeros((C, ), self.calctype)
			rowMoment(rows, data, zero, 1, C, S)
			mean = Blas.sumOnMatrix(rows, cols=True, alpha=1.0 / M)
			rowMoment(rows, data, mean, 2, C, S)
			var = Blas.sumOnMatrix(rows, cols=True, alpha=1.0 / M)
			statistics(self.invstd, self.attrs["mean"], self.attrs["var"], mean, var, self.epsilon, self.momentum, M / (M - 1))
		else:
			mean = self.attrs["mean"]
			evalInvStd(self.invstd, self.attrs["var"], self.epsilon)

		out, self.xhat = gpuarray.empty_like(data), gpuarray.empty_like(data)
		scale, bias = self.params()
		normalise(
			out, self.xhat, data, mean, self.invstd, scale, bias, int(self.affine), C, S, N * C, range=slice(0, N * C)
		)
		return out


	def gradSums(self, grad, reuse):
		"""(sum of grad, sum of grad * xhat) per channel; updateGrad reuses what accGradParams computed for this grad."""
		if not (reuse and self.sums is not None and self.sums[0] is grad):
			N, C, S = self.layout(grad.shape)
			sumG, sumGH = gpuarray.empty((N, C), self.calctype), gpuarray.empty((N, C), self.calctype)
			rowGradSums(sumG, sumGH, grad, self.xhat, S)
			self.sums = (grad, Blas.sumOnMatrix(sumG, cols=True), Blas.sumOnMatrix(sumGH, cols=True))
		return self.sums[1], self.sums[2]


	def updateGrad(self, grad):
		N, C, S = self.layout(grad.shape)
		dx = gpuarray.empty_like(grad)
		scale, _ = self.params()
		sumG, sumGH = self.gradSums(grad, reuse=True) if self.trained else (self.invstd, self.invstd)
		self.sums = None
		backwardRows(
			dx, grad, self.xhat, self.invstd, scale, sumG, sumGH, int(self.trained), int(self.affine), 1.0 / (N * S), C, S,
			N * C, range=slice(0, N * C)
		)
		return dx


	def accGradParams(self, grad):
		if self.affine:
			sumG, sumGH = self.gradSums(grad, reuse=False)
			self.vars["scale"].grad += sumGH
			self.vars["bias"].grad += sumG


	def checkDataShape(self, shape):
		N, C, S = self.layout(shape)
		if self.train and N * S < 2:
			raise self.moduleError("training needs more than one value per channel, got input of shape %s" % (tuple(shape), ))
