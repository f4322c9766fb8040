"""Max pooling over NCHW batches (torch max_pool2d, ceil_mode=False; padding never wins the max)."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Pool2D import Pool2D

# idx keeps the winner's h * W + w inside its plane; the first maximum wins ties and NaN propagates, as in torch.
# One work item per output row (plane, oh), run over range(planes * OH). The comparisons are selects, not
# branches: on real data the winner's position is random, and mispredicted branches cost more than the compares.
maxPoolForward = ElementwiseKernel(
	"T *out, int *idx, const T *x, int H, int W, int OH, int OW, int KH, int KW, int SH, int SW, int PH, int PW, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		int r = (int)i;
		int oh = r % OH;
		const T *plane = x + (long)(r / OH) * H * W;
		int hs = oh * SH - PH, he = hs + KH < H ? hs + KH : H;
		hs = hs > 0 ? hs : 0;
		T *orow = out + (long)r * OW;
		int *irow = idx + (long)r * OW;
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
					int take = v > best || (v != v && best == best);
					best = take ? v : best;
					arg = take ? h * W + w : arg;
				}
			orow[ow] = best;
			irow[ow] = arg;
		}
	}
	""",
	"maxPool2dForwardSel"
)

# The same for the common window 2x2, stride 2, no padding, with the four taps unrolled.
maxPoolForward2x2 = ElementwiseKernel(
	"T *out, int *idx, const T *x, int H, int W, int OH, int OW, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		int r = (int)i;
		int oh = r % OH;
		const T *r0 = x + (long)(r / OH) * H * W + 2 * oh * W;
		const T *r1 = r0 + W;
		T *orow = out + (long)r * OW;
		int *irow = idx + (long)r * OW;
		int base = 2 * oh * W;
		for (int ow = 0; ow < OW; ow++)
		{
			T best = r0[2 * ow], v = r0[2 * ow + 1];
			int arg = base + 2 * ow;
			int take = v > best || (v != v && best == best);
			best = take ? v : best;
			arg = take ? base + 2 * ow + 1 : arg;
			v = r1[2 * ow];
			take = v > best || (v != v && best == best);
			best = take ? v : best;
			arg = take ? base + W + 2 * ow : arg;
			v = r1[2 * ow + 1];
			take = v > best || (v != v && best == best);
			best = take ? v : best;
			arg = take ? base + W + 2 * ow + 1 : arg;
			orow[ow] = best;
			irow[ow] = arg;
		}
	}
	""",
	"maxPool2dForward2x2"
)

# The backward pass, one work item per input row (plane, h) over range(planes * H): the row collects the
# gradients of the windows whose winner lies in it; only this work item writes the row, so no atomics.
# A window whose winner lies in another row adds 0 to a clamped column instead of branching.
maxPoolBackward = ElementwiseKernel(
	"T *dx, const T *grad, const int *idx, int H, int W, int OH, int OW, int KH, int KW, int SH, int SW, int PH, int PW, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		int r = (int)i;
		int h = r % H;
		long plane = (long)(r / H) * OH * OW;
		T *dst = dx + (long)r * W;
		for (int w = 0; w < W; w++) dst[w] = (T)0;
		int a = h + PH - KH + 1;
		int ohs = a <= 0 ? 0 : (a + SH - 1) / SH, ohe = (h + PH) / SH < OH - 1 ? (h + PH) / SH : OH - 1;
		for (int oh = ohs; oh <= ohe; oh++)
		{
			const int *irow = idx + plane + oh * OW;
			const T *grow = grad + plane + oh * OW;
			for (int ow = 0; ow < OW; ow++)
			{
				int w = irow[ow] - h * W;
				int inside = w >= 0 && w < W;
				dst[inside ? w : 0] += inside ? grow[ow] : (T)0;
			}
		}
	}
	""",
	"maxPool2dBackwardSel"
)

# The backward pass for non-overlapping windows (stride >= size, no padding): every input lies in at most one
# window, so one work item per output row (plane, oh), over range(planes * OH), owns the KH input rows under
# it; inputs between windows (stride > size) and rows below the last window are zeroed by their own items.
maxPoolBackwardDisjoint = ElementwiseKernel(
	"T *dx, const T *grad, const int *idx, int H, int W, int OH, int OW, int SH, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		int r = (int)i;
		int oh = r % OH;
		long pl = r / OH;
		T *plane = dx + pl * H * W;
		int hs = oh * SH, he = oh + 1 < OH ? hs + SH : H;
		for (int q = hs * W; q < he * W; q++) plane[q] = (T)0;
		const int *irow = idx + (long)r * OW;
		const T *grow = grad + (long)r * OW;
		for (int ow = 0; ow < OW; ow++) plane[irow[ow]] += grow[ow];
	}
	""",
	"maxPool2dBackwardDisjoint"
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
		rows = shape[0] * shape[1] * shape[2]
		if self.size == (2, 2) and self.stride == (2, 2) and self.pad == (0, 0):
			maxPoolForward2x2(out, self.indices, data, *geom[:4], rows, range=slice(0, rows))
		else:
			maxPoolForward(out, self.indices, data, *geom, rows, range=slice(0, rows))
		return out


	def updateGrad(self, grad):
		dx = gpuarray.empty(self.inData.shape, self.calctype)
		N, C, H, _ = self.inData.shape
		geom = self.geometry(self.inData.shape)
		if self.disjoint():
			H, W, OH, OW, SH = geom[0], geom[1], geom[2], geom[3], geom[6]
			maxPoolBackwardDisjoint(dx, grad, self.indices, H, W, OH, OW, SH, N * C * OH, range=slice(0, N * C * OH))
		else:
			maxPoolBackward(dx, grad, self.indices, *geom, N * C * H, range=slice(0, N * C * H))
		return dx


	def disjoint(self):
		return self.stride[0] >= self.size[0] and self.stride[1] >= self.size[1] and self.pad == (0, 0)
