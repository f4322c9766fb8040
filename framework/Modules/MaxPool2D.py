"""Max pooling over NCHW batches (torch max_pool2d, ceil_mode=False; padding never wins the max)."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Pool2D import Pool2D

# idx keeps the winner's h * W + w inside its plane; the first maximum wins ties and NaN propagates, as in torch.
# One work item per output row (plane, oh), run over range(planes * OH).
maxPoolForward = ElementwiseKernel(
	"T *out, int *idx, const T *x, int H, int W, int OH, int OW, int KH, int KW, int SH, int SW, int PH, int PW",
	"""
	long r = i;
	int oh = (int)(r % OH);
	const T *plane = x + (r / OH) * H * W;
	int hs = oh * SH - PH, he = hs + KH < H ? hs + KH : H;
	hs = hs > 0 ? hs : 0;
	for (int ow = 0; ow < OW; ow++)
	{
		int ws = ow * SW - PW, we = ws + KW < W ? ws + KW : W;
		ws = ws > 0 ? ws : 0;
		T best = plane[hs * W + ws];
		int arg = hs * W + ws;
		for (int h = hs; h < he; h++)
			for (int w = ws; w < we; w++)
			{
				T v = plane[h * W + w];
				if (v > best || (v != v && best == best)) { best = v; arg = h * W + w; }
			}
		out[r * OW + ow] = best;
		idx[r * OW + ow] = arg;
	}
	""",
	"maxPool2dForward"
)

# The backward pass, one work item per input row (plane, h) over range(planes * H): the row collects the
# gradients of the windows whose winner lies in it; only this work item writes the row, so no atomics.
maxPoolBackward = ElementwiseKernel(
	"T *dx, const T *grad, const int *idx, int H, int W, int OH, int OW, int KH, int KW, int SH, int SW, int PH, int PW",
	"""
	long r = i;
	int h = (int)(r % H);
	long plane = (r / H) * OH * OW;
	T *dst = dx + r * W;
	for (int w = 0; w < W; w++) dst[w] = (T)0;
	int a = h + PH - KH + 1;
	int ohs = a <= 0 ? 0 : (a + SH - 1) / SH, ohe = (h + PH) / SH < OH - 1 ? (h + PH) / SH : OH - 1;
	for (int oh = ohs; oh <= ohe; oh++)
		for (int ow = 0; ow < OW; ow++)
		{
			int w = idx[plane + oh * OW + ow] - h * W;
			if (w >= 0 && w < W) dst[w] += grad[plane + oh * OW + ow];
		}
	""",
	"maxPool2dBackward"
)


class MaxPool2D(Pool2D):
	"""y[n, c, oh, ow] = max over the window (oh*s - p .. oh*s - p + size - 1) x (same in w) of x[n, c].

	MaxPool2D(size=2, stride=None (= size), pad=0, name=None); ints or (h, w) pairs; pad <= size // 2.
	"""

	def __init__(self, size=2, stride=None, pad=0, name=None):
		super().__init__(size, stride, pad, name)
		self.indices = None


	def updateData(self, data):
		shape = self.dataShapeFrom(data.shape)
		out = gpuarray.empty(shape, self.calctype)
		self.indices = gpuarray.empty(shape, np.int32)
		geom = self.geometry(data.shape)
		maxPoolForward(out, self.indices, data, *geom, range=slice(0, shape[0] * shape[1] * shape[2]))
		return out


	def updateGrad(self, grad):
		dx = gpuarray.empty(self.inData.shape, self.calctype)
		N, C, H, _ = self.inData.shape
		maxPoolBackward(dx, grad, self.indices, *self.geometry(self.inData.shape), range=slice(0, N * C * H))
		return dx
