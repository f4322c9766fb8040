"""2-D convolution over NCHW batches, as im2col + one gemm per group + col2im (PyTorch conv2d semantics)."""
from framework.Backend import Blas, gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules import Init
from framework.Modules.Module import Module
from framework.Modules.Utils import checkPositiveInt, convOutSize, pairOf
from framework.Variable import Variable

# cols is (C*KH*KW, N*OH*OW): row (c, ki, kj), column (n, oh, ow); taps in the padding read 0.
# One work item fills one (c, ki, kj, n) block of OH*OW columns, run over range(C*KH*KW*N): the divisions that
# split the index cost tens of cycles, so they are paid once per block. A block whose taps all lie inside the
# image (all of them without padding) is one tight copy; the others find the in-range span of ow once per block.
# These kernels see fewer items than PARALLEL_THRESHOLD and stay on one core: items fine enough to pass it would
# each pay that index arithmetic for a few elements, costing more than a second core gains (the gemms use both).
# `nb` is the batch index.
im2col = ElementwiseKernel(
	"T *cols, const T *x, int N, int C, int H, int W, int KH, int KW, int OH, int OW, "
	"int SH, int SW, int PH, int PW, int DH, int DW, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		int blk = (int)i;
		int nb = blk % N, row = blk / N;
		int kj = row % KW, ki = (row / KW) % KH, c = row / (KW * KH);
		int w0 = kj * DW - PW, h0 = ki * DH - PH;
		long plane = ((long)nb * C + c) * H * W;
		T *dst = cols + (long)blk * OH * OW;
		if (w0 >= 0 && w0 + (OW - 1) * SW < W && h0 >= 0 && h0 + (OH - 1) * SH < H)
		{
			const T *src = x + plane + (long)h0 * W + w0;
			for (int oh = 0; oh < OH; oh++, src += SH * W, dst += OW)
				for (int ow = 0; ow < OW; ow++) dst[ow] = src[ow * SW];
		}
		else
		{
			int ows = w0 >= 0 ? 0 : (SW - 1 - w0) / SW, owe = W - w0 <= 0 ? 0 : (W - w0 + SW - 1) / SW;
			owe = owe < OW ? owe : OW;
			ows = ows < owe ? ows : owe;
			for (int oh = 0; oh < OH; oh++, dst += OW)
			{
				int h = oh * SH + h0;
				if (h < 0 || h >= H)
				{
					for (int ow = 0; ow < OW; ow++) dst[ow] = (T)0;
					continue;
				}
				const T *src = x + plane + (long)h * W + w0;
				for (int ow = 0; ow < ows; ow++) dst[ow] = (T)0;
				for (int ow = ows; ow < owe; ow++) dst[ow] = src[ow * SW];
				for (int ow = owe; ow < OW; ow++) dst[ow] = (T)0;
			}
		}
	}
	""",
	"conv2dIm2colBlock"
)

# The adjoint of im2col: one work item per input plane (n, c), run over range(N*C), adds up the column
# entries that read it; it alone writes its plane, so no atomics are needed.
col2im = ElementwiseKernel(
	"T *x, const T *cols, int N, int C, int H, int W, int KH, int KW, int OH, int OW, "
	"int SH, int SW, int PH, int PW, int DH, int DW, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		int pl = (int)i;
		int nb = pl / C, c = pl % C;
		T *plane = x + (long)pl * H * W;
		for (int q = 0; q < H * W; q++) plane[q] = (T)0;
		for (int ki = 0; ki < KH; ki++)
		{
			int h0 = ki * DH - PH;
			int ohs = h0 >= 0 ? 0 : (SH - 1 - h0) / SH, ohe = H - h0 <= 0 ? 0 : (H - h0 + SH - 1) / SH;
			ohe = ohe < OH ? ohe : OH;
			for (int kj = 0; kj < KW; kj++)
			{
				int w0 = kj * DW - PW;
				const T *src = cols + (((long)(c * KH + ki) * KW + kj) * N + nb) * OH * OW;
				int ows = w0 >= 0 ? 0 : (SW - 1 - w0) / SW, owe = W - w0 <= 0 ? 0 : (W - w0 + SW - 1) / SW;
				owe = owe < OW ? owe : OW;
				if (ohs == 0 && ohe == OH && ows == 0 && owe == OW)
				{
					T *dst = plane + (long)h0 * W + w0;
					for (int oh = 0; oh < OH; oh++, dst += SH * W, src += OW)
						for (int ow = 0; ow < OW; ow++) dst[ow * SW] += src[ow];
					continue;
				}
				for (int oh = ohs; oh < ohe; oh++)
				{
					T *dst = plane + (long)(oh * SH + h0) * W + w0;
					const T *srow = src + oh * OW;
					for (int ow = ows; ow < owe; ow++) dst[ow * SW] += srow[ow];
				}
			}
		}
	}
	""",
	"conv2dCol2imPlane"
)

# gemm leaves (OC, N, S = OH*OW); the layer's output is (N, OC, S). One work item per (n, oc) run of S,
# run over range(N*OC).
toNchwBias = ElementwiseKernel(
	"T *out, const T *tmp, const T *b, int N, int OC, int S, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		long r = i;
		int oc = (int)(r % OC), nb = (int)(r / OC);
		const T *src = tmp + ((long)oc * N + nb) * S;
		T bias = b[oc];
		for (int q = 0; q < S; q++) out[r * S + q] = src[q] + bias;
	}
	""",
	"conv2dToNchwBias"
)

toNchw = ElementwiseKernel(
	"T *out, const T *tmp, int N, int OC, int S, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		long r = i;
		int oc = (int)(r % OC), nb = (int)(r / OC);
		const T *src = tmp + ((long)oc * N + nb) * S;
		for (int q = 0; q < S; q++) out[r * S + q] = src[q];
	}
	""",
	"conv2dToNchw"
)

# (N, OC, S) -> (OC, N, S), one work item per (oc, n) run, over range(OC*N)
fromNchw = ElementwiseKernel(
	"T *tmp, const T *grad, int N, int OC, int S, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		long r = i;
		int nb = (int)(r % N), oc = (int)(r / N);
		const T *src = grad + ((long)nb * OC + oc) * S;
		for (int q = 0; q < S; q++) tmp[r * S + q] = src[q];
	}
	""",
	"conv2dFromNchw"
)


class Conv2D(Module):
	"""y[n, o] = b[o] + sum_{c in group(o), ki, kj} W[o, c, ki, kj] x[n, c, oh*s - p + ki*d, ow*s - p + kj*d].

	Conv2D(inmaps, outmaps, size, stride=1, pad=0, dilation=1, groups=1, useBias=True, initscheme="he", name=None);
	size, stride, pad and dilation are ints or (h, w) pairs; W (outmaps, inmaps // groups, kh, kw), b (outmaps,) starts at 0.
	"""

	def __init__(self, inmaps, outmaps, size, stride=1, pad=0, dilation=1, groups=1, useBias=True, initscheme="he",
				 name=None):
		super().__init__(name)
		who = self.describe()
		self.inmaps, self.outmaps = checkPositiveInt(who, "inmaps", inmaps), checkPositiveInt(who, "outmaps", outmaps)
		self.groups = checkPositiveInt(who, "groups", groups)
		if inmaps % groups != 0 or outmaps % groups != 0:
			raise ValueError("%s: inmaps (%d) and outmaps (%d) must be divisible by groups (%d)" % (who, inmaps, outmaps, groups))

		self.size, self.stride = pairOf(who, "size", size, 1), pairOf(who, "stride", stride, 1)
		self.pad, self.dilation = pairOf(who, "pad", pad, 0), pairOf(who, "dilation", dilation, 1)
		self.useBias = bool(useBias)

		kh, kw = self.size
		shape = (outmaps, inmaps // groups, kh, kw)
		fanIn, fanOut = inmaps // groups * kh * kw, outmaps // groups * kh * kw
		W = Init.initialise(initscheme, shape, fanIn, fanOut, self.calctype, who)
		self.setVar("W", Variable(gpuarray.to_gpu(W)))
		if self.useBias:
			self.setVar("b", Variable(gpuarray.zeros((outmaps, ), self.calctype)))

		self.cols, self.gradCache, self.buffers = None, None, {}


	@property
	def W(self):
		return self.vars["W"]


	@property
	def b(self):
		return self.vars.get("b")


	def geometry(self, shape):
		N, C, H, W = shape
		(KH, KW), (SH, SW), (PH, PW), (DH, DW) = self.size, self.stride, self.pad, self.dilation
		OH, OW = convOutSize(H, KH, SH, PH, DH), convOutSize(W, KW, SW, PW, DW)
		return (N, C, H, W, KH, KW, OH, OW, SH, SW, PH, PW, DH, DW)


	def groupMatrices(self, ary, rows):
		"""Contiguous per-group views of a (groups * rows, ...) array as (rows, rest) matrices."""
		mat = ary.reshape(self.groups, rows, ary.size // (self.groups * rows))
		return [mat[g] for g in range(self.groups)] if self.groups > 1 else [mat.reshape(rows, mat.shape[2])]


	def scratch(self, role, shape):
		"""A buffer kept between passes for one intermediate: a fresh multi-megabyte array every step costs page faults."""
		ary = self.buffers.get(role)
		if ary is None or ary.shape != tuple(shape) or ary.dtype != self.calctype:
			ary = gpuarray.empty(shape, self.calctype)
			self.buffers[role] = ary
		return ary


	def updateData(self, data):
		geom = self.geometry(data.shape)
		N, C, KH, KW, OH, OW = geom[0], geom[1], geom[4], geom[5], geom[6], geom[7]
		G, OC = self.groups, self.outmaps
		K = C // G * KH * KW

		self.gradCache = None
		self.cols = self.scratch("cols", (C * KH * KW, N * OH * OW))
		im2col(self.cols, data, *geom, C * KH * KW * N, range=slice(0, C * KH * KW * N))

		tmp = self.scratch("out", (OC, N * OH * OW))
		for Wg, colsg, tmpg in zip(self.groupMatrices(self.W.data, OC // G), self.groupMatrices(self.cols, K),
								   self.groupMatrices(tmp, OC // G)):
			Blas.gemm(Wg, colsg, out=tmpg)

		out = gpuarray.empty((N, OC, OH, OW), self.calctype)
		if self.useBias:
			toNchwBias(out, tmp, self.b.data, N, OC, OH * OW, N * OC, range=slice(0, N * OC))
		else:
			toNchw(out, tmp, N, OC, OH * OW, N * OC, range=slice(0, N * OC))
		return out


	def gradMatrix(self, grad, reuse):
		# backward runs accGradParams, then updateGrad on the same gradient: the second may reuse the first's permute
		if reuse and self.gradCache is not None and self.gradCache[0] is grad:
			return self.gradCache[1]

		N, OC, OH, OW = grad.shape
		tmp = self.scratch("grad", (OC, N * OH * OW))
		fromNchw(tmp, grad, N, OC, OH * OW, OC * N, range=slice(0, OC * N))
		self.gradCache = (grad, tmp)
		return tmp


	def updateGrad(self, grad):
		geom = self.geometry(self.inData.shape)
		G, OC = self.groups, self.outmaps
		K = self.inmaps // G * self.size[0] * self.size[1]

		gtmp = self.gradMatrix(grad, reuse=True)
		self.gradCache = None
		dcols = self.scratch("dcols", self.cols.shape)
		for Wg, gg, dg in zip(self.groupMatrices(self.W.data, OC // G), self.groupMatrices(gtmp, OC // G),
							  self.groupMatrices(dcols, K)):
			Blas.gemm(Wg, gg, out=dg, transpA=True)

		dx = gpuarray.empty(self.inData.shape, self.calctype)
		col2im(dx, dcols, *geom, geom[0] * geom[1], range=slice(0, geom[0] * geom[1]))
		return dx


	def accGradParams(self, grad):
		G, OC = self.groups, self.outmaps
		K = self.inmaps // G * self.size[0] * self.size[1]

		gtmp = self.gradMatrix(grad, reuse=False)
		for gg, colsg, dWg in zip(self.groupMatrices(gtmp, OC // G), self.groupMatrices(self.cols, K),
								  self.groupMatrices(self.W.grad, OC // G)):
			Blas.gemm(gg, colsg, out=dWg, transpB=True, beta=1.0)

		if self.useBias:
			Blas.sumOnMatrix(gtmp, out=self.b.grad, cols=False, beta=1.0)


	def checkDataShape(self, shape):
		if len(shape) != 4 or shape[1] != self.inmaps:
			raise self.moduleError("expected input of shape (batch, %d, height, width), got %s" % (self.inmaps, tuple(shape)))

		geom = self.geometry(shape)
		if geom[6] < 1 or geom[7] < 1:
			raise self.moduleError("input %s is smaller than the dilated kernel %s with pad %s" % (
				tuple(shape[2:]), tuple((k - 1) * d + 1 for k, d in zip(self.size, self.dilation)), self.pad
			))


	def dataShapeFrom(self, shape):
		geom = self.geometry(shape)
		return (shape[0], self.outmaps, geom[6], geom[7])
