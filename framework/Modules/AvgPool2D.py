"""Average pooling over NCHW batches (torch avg_pool2d with count_include_pad=True, ceil_mode=False)."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Pool2D import Pool2D

# One work item per output row (plane, oh), run over range(planes * OH).
avgPoolForward = ElementwiseKernel(
	"T *out, const T *x, int H, int W, int OH, int OW, int KH, int KW, int SH, int SW, int PH, int PW, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		long r = i;
		int oh = (int)(r % OH);
		const T *plane = x + (r / OH) * H * W;
		int hs = oh * SH - PH, he = hs + KH < H ? hs + KH : H;
		hs = hs > 0 ? hs : 0;
		T scale = 1.0 / (T)(KH * KW);
		for (int ow = 0; ow < OW; ow++)
		{
			int ws = ow * SW - PW, we = ws + KW < W ? ws + KW : W;
			ws = ws > 0 ? ws : 0;
			T acc = 0;
			for (int h = hs; h < he; h++)
				for (int w = ws; w < we; w++)
					acc += plane[h * W + w];
			out[r * OW + ow] = acc * scale;
		}
	}
	""",
	"avgPool2dForward"
)

# One work item per input row (plane, h) over range(planes * H) adds the share of every window covering it.
avgPoolBackward = ElementwiseKernel(
	"T *dx, const T *grad, int H, int W, int OH, int OW, int KH, int KW, int SH, int SW, int PH, int PW, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		long r = i;
		int h = (int)(r % H);
		const T *planeGrad = grad + (r / H) * OH * OW;
		T *dst = dx + r * W;
		for (int w = 0; w < W; w++) dst[w] = (T)0;
		T scale = 1.0 / (T)(KH * KW);
		int a = h + PH - KH + 1;
		int ohs = a <= 0 ? 0 : (a + SH - 1) / SH, ohe = (h + PH) / SH < OH - 1 ? (h + PH) / SH : OH - 1;
		for (int oh = ohs; oh <= ohe; oh++)
			for (int ow = 0; ow < OW; ow++)
			{
				T g = planeGrad[oh * OW + ow] * scale;
				int ws = ow * SW - PW, we = ws + KW < W ? ws + KW : W;
				for (int w = ws > 0 ? ws : 0; w < we; w++) dst[w] += g;
			}
	}
	""",
	"avgPool2dBackward"
)


class AvgPool2D(Pool2D):
	"""y[n, c, oh, ow] = sum over the window of x[n, c] / (size_h * size_w); padded taps count as zeros.

	AvgPool2D(size=2, stride=None (= size), pad=0, name=None); ints or (h, w) pairs; pad <= size // 2.
	The divisor always includes the padding, like torch's count_include_pad=True.
	"""

	def updateData(self, data):
		shape = self.dataShapeFrom(data.shape)
		out = gpuarray.empty(shape, self.calctype)
		rows = shape[0] * shape[1] * shape[2]
		avgPoolForward(out, data, *self.geometry(data.shape), rows, range=slice(0, rows))
		return out


	def updateGrad(self, grad):
		dx = gpuarray.empty(self.inData.shape, self.calctype)
		N, C, H, _ = self.inData.shape
		avgPoolBackward(dx, grad, *self.geometry(self.inData.shape), N * C * H, range=slice(0, N * C * H))
		return dx
