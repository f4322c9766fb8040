"""Softmax over the classes of a (batch, classes) input."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Module import Module

# One work item per row (run over range(batch)): subtracting the row maximum keeps expf finite.
softMaxRows = ElementwiseKernel(
	"T *y, const T *x, int cols",
	"""
	const T *xr = x + i * cols;
	T *yr = y + i * cols;
	T m = xr[0];
	for (int j = 1; j < cols; j++) m = xr[j] > m ? xr[j] : m;
	T s = 0;
	for (int j = 0; j < cols; j++) { yr[j] = expf(xr[j] - m); s += yr[j]; }
	T inv = 1.0 / s;
	for (int j = 0; j < cols; j++) yr[j] *= inv;
	""",
	"softMaxForward"
)

# dx = y * (g - sum_j g_j y_j), one row per work item
softMaxRowsBackward = ElementwiseKernel(
	"T *dx, const T *grad, const T *y, int cols",
	"""
	const T *gr = grad + i * cols, *yr = y + i * cols;
	T dot = 0;
	for (int j = 0; j < cols; j++) dot += gr[j] * yr[j];
	for (int j = 0; j < cols; j++) dx[i * cols + j] = yr[j] * (gr[j] - dot);
	""",
	"softMaxBackward"
)


class SoftMax(Module):
	"""y[n, k] = exp(x[n, k]) / sum_j exp(x[n, j]) over axis 1 of a (batch, classes) input. SoftMax(name=None)."""

	def updateData(self, data):
		out = gpuarray.empty_like(data)
		softMaxRows(out, data, data.shape[1], range=slice(0, data.shape[0]))
		return out


	def updateGrad(self, grad):
		dx = gpuarray.empty_like(grad)
		softMaxRowsBackward(dx, grad, self.data, grad.shape[1], range=slice(0, grad.shape[0]))
		return dx


	def checkDataShape(self, shape):
		if len(shape) != 2 or shape[1] < 1:
			raise self.moduleError("expected input of shape (batch, classes), got %s" % (tuple(shape), ))
