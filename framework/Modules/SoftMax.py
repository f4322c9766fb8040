"""Softmax over the classes of a (batch, classes) input."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Module import Module

# Each pass is a per-row statistics launch (one work item per row; its first array has one entry per row, so the
# launch count is the row count without a range) followed by an element-parallel launch over the whole output.
# Forward: the row maximum (subtracted so that expf stays finite) and the inverse of the sum of exponentials.
softMaxRowStats = ElementwiseKernel(
	"T *rowMax, T *rowInvSum, const T *x, int cols",
	"""
	const T *xr = x + i * cols;
	T m = xr[0];
	for (int j = 1; j < cols; j++) m = xr[j] > m ? xr[j] : m;
	T s = 0;
	for (int j = 0; j < cols; j++) s += expf(xr[j] - m);
	rowMax[i] = m;
	rowInvSum[i] = 1.0 / s;
	""",
	"softMaxRowStats"
)

softMaxForward = ElementwiseKernel(
	"T *y, const T *x, const T *rowMax, const T *rowInvSum, int cols",
	"long r = i / cols; y[i] = expf(x[i] - rowMax[r]) * rowInvSum[r]",
	"softMaxForward"
)

# Backward: dx = y * (g - sum_j g_j y_j), the dot product per row first.
softMaxRowDot = ElementwiseKernel(
	"T *rowDot, const T *grad, const T *y, int cols",
	"""
	const T *gr = grad + i * cols, *yr = y + i * cols;
	T dot = 0;
	for (int j = 0; j < cols; j++) dot += gr[j] * yr[j];
	rowDot[i] = dot;
	""",
	"softMaxRowDot"
)

softMaxBackward = ElementwiseKernel(
	"T *dx, const T *grad, const T *y, const T *rowDot, int cols",
	"dx[i] = y[i] * (grad[i] - rowDot[i / cols])",
	"softMaxBackward"
)


class SoftMax(Module):
	"""y[n, k] = exp(x[n, k]) / sum_j exp(x[n, j]) over axis 1 of a (batch, classes) input. SoftMax(name=None)."""

	def updateData(self, data):
		rows, cols = data.shape
		rowMax, rowInvSum = gpuarray.empty((rows, ), data.dtype), gpuarray.empty((rows, ), data.dtype)
		softMaxRowStats(rowMax, rowInvSum, data, cols)
		out = gpuarray.empty_like(data)
		softMaxForward(out, data, rowMax, rowInvSum, cols)
		return out


	def updateGrad(self, grad):
		rowDot = gpuarray.empty((grad.shape[0], ), grad.dtype)
		softMaxRowDot(rowDot, grad, self.data, grad.shape[1])
		dx = gpuarray.empty_like(grad)
		softMaxBackward(dx, grad, self.data, rowDot, grad.shape[1])
		return dx


	def checkDataShape(self, shape):
		if len(shape) != 2 or shape[1] < 1:
			raise self.moduleError("expected input of shape (batch, classes), got %s" % (tuple(shape), ))
