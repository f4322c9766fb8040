"""Recurrent layers (LSTM, GRU, Elman tanh/ReLU), stacked and optionally bidirectional, with PyTorch's weight layout.

Per layer and direction the whole sequence's input projection is one gemm; every time step is one gemm for the
recurrent product and one fused elementwise gate kernel, forward and backward (backpropagation through time);
the weight gradients are one gemm each over all steps. The kernels are generic (float32 and float64).
"""
import numbers

import numpy as np

from framework import Config
from framework.Backend import Blas, Rng, gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Dropout import dropoutBackward, dropoutForward
from framework.Modules.Module import Module
from framework.Modules.Utils import checkPositiveInt
from framework.Variable import Variable

# --- gate kernels -------------------------------------------------------------------------------------------------
# Each runs over one step's (batch, hsize) elements: `long b = i / H, j = i - b * H` locates a unit, gate k of it
# lies at b * G * H + k * H + j in the (batch, G * hsize) gate rows, in PyTorch's gate order. `gates` enters as the
# input projection (x W_ih^T + b_ih) and `hp` is the recurrent one (h W_hh^T + b_hh); where backward needs the
# activated gates, the forward kernel leaves them in `gates`. Written with expf and comparisons that let NaN
# through (a NaN input gives a NaN state, never a silent 0).

# tanh through expf: glibc's tanhf took 100-150 ns per element on the 2-core Xeon, expf 5.5 (the LSTM forward's gate
# kernel went from 8-14 ms to under 1 ms per step at batch 64, hsize 256); the error stays within 2e-7 in float32
# and 1e-16 in float64, the limits saturate to exactly -1 and 1, and NaN stays NaN.
# Macros rather than functions, so the same preamble compiles as C and as CUDA device code; each evaluates its
# argument once.
ACTIVATIONS = """
#define rnnSigmoid(v) (1.0 / (1.0 + expf(-(v))))
#define rnnTanh(v) (1.0 - 2.0 / (1.0 + expf(2.0 * (v))))
"""

# i, f, g, o: c' = f c + i g, h' = o tanh(c')
lstmForward = ElementwiseKernel(
	"T *c, T *h, T *gates, const T *hp, const T *cPrev, long H",
	"""
	long b = i / H, j = i - b * H, k = b * 4 * H + j;
	T ig = rnnSigmoid(gates[k] + hp[k]), fg = rnnSigmoid(gates[k + H] + hp[k + H]);
	T gg = rnnTanh(gates[k + 2 * H] + hp[k + 2 * H]), og = rnnSigmoid(gates[k + 3 * H] + hp[k + 3 * H]);
	T cn = fg * cPrev[i] + ig * gg;
	c[i] = cn; h[i] = og * rnnTanh(cn);
	gates[k] = ig; gates[k + H] = fg; gates[k + 2 * H] = gg; gates[k + 3 * H] = og;
	""",
	"rnnLstmForward", preamble=ACTIVATIONS
)

# dc carries dL/dc from the later step in and leaves with dL/dc_prev; dG gets the pre-activation gradients
lstmBackward = ElementwiseKernel(
	"T *dc, T *dG, const T *gates, const T *c, const T *cPrev, const T *dhOut, const T *dhRec, long H",
	"""
	long b = i / H, j = i - b * H, k = b * 4 * H + j;
	T ig = gates[k], fg = gates[k + H], gg = gates[k + 2 * H], og = gates[k + 3 * H];
	T tc = rnnTanh(c[i]), dh = dhOut[i] + dhRec[i];
	T dcell = dc[i] + dh * og * (1.0 - tc * tc);
	dG[k] = dcell * gg * ig * (1.0 - ig);
	dG[k + H] = dcell * cPrev[i] * fg * (1.0 - fg);
	dG[k + 2 * H] = dcell * ig * (1.0 - gg * gg);
	dG[k + 3 * H] = dh * tc * og * (1.0 - og);
	dc[i] = dcell * fg;
	""",
	"rnnLstmBackward", preamble=ACTIVATIONS
)

# r, z, n: n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), h' = (1 - z) n + z h; hn keeps h W_hn^T + b_hn
gruForward = ElementwiseKernel(
	"T *h, T *gates, T *hn, const T *hp, const T *hPrev, long H",
	"""
	long b = i / H, j = i - b * H, k = b * 3 * H + j;
	T rg = rnnSigmoid(gates[k] + hp[k]), zg = rnnSigmoid(gates[k + H] + hp[k + H]);
	T hnew = hp[k + 2 * H], ng = rnnTanh(gates[k + 2 * H] + rg * hnew);
	h[i] = (1.0 - zg) * ng + zg * hPrev[i];
	hn[i] = hnew; gates[k] = rg; gates[k + H] = zg; gates[k + 2 * H] = ng;
	""",
	"rnnGruForward", preamble=ACTIVATIONS
)

# dhRec enters as dL/dh from the later step's recurrent product and leaves as the direct part dh z of dL/dh_prev
# (the recurrent gemm adds dGh W_hh to it); dGx and dGh differ only in the n gate, whose hidden part is inside r
gruBackward = ElementwiseKernel(
	"T *dhRec, T *dGx, T *dGh, const T *gates, const T *hn, const T *hPrev, const T *dhOut, long H",
	"""
	long b = i / H, j = i - b * H, k = b * 3 * H + j;
	T rg = gates[k], zg = gates[k + H], ng = gates[k + 2 * H];
	T dh = dhOut[i] + dhRec[i];
	T dn = dh * (1.0 - zg) * (1.0 - ng * ng);
	T dr = dn * hn[i] * rg * (1.0 - rg), dz = dh * (hPrev[i] - ng) * zg * (1.0 - zg);
	dGx[k] = dr; dGx[k + H] = dz; dGx[k + 2 * H] = dn;
	dGh[k] = dr; dGh[k + H] = dz; dGh[k + 2 * H] = dn * rg;
	dhRec[i] = dh * zg;
	""",
	"rnnGruBackward", preamble=ACTIVATIONS
)

# h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh); backward from the output u = h'
elmanForward = {
	"tanh": ElementwiseKernel(
		"T *h, const T *gates, const T *hp", "h[i] = rnnTanh(gates[i] + hp[i])", "rnnTanhForward", preamble=ACTIVATIONS
	),
	# v < 0 rather than v > 0 so that NaN falls through to v
	"relu": ElementwiseKernel(
		"T *h, const T *gates, const T *hp", "T v = gates[i] + hp[i]; h[i] = v < 0 ? (T)0 : v", "rnnReluForward"
	),
}

elmanBackward = {
	"tanh": ElementwiseKernel(
		"T *dG, const T *h, const T *dhOut, const T *dhRec", "T u = h[i]; dG[i] = (dhOut[i] + dhRec[i]) * (1.0 - u * u)",
		"rnnTanhBackward"
	),
	"relu": ElementwiseKernel(
		# where the unit is off, g * 0 rather than 0 keeps a NaN gradient, and a NaN state gives a NaN derivative
		"T *dG, const T *h, const T *dhOut, const T *dhRec",
		"T u = h[i], g = dhOut[i] + dhRec[i]; dG[i] = u > 0 ? g : g * (u == u ? (T)0 : u)", "rnnReluBackward"
	),
}

# (T, batch, H) per direction <-> (T, batch, 2H) with the forward direction first, as PyTorch concatenates them
joinDirections = ElementwiseKernel(
	"T *out, const T *fwd, const T *rev, long H",
	"long r = i / (2 * H), j = i - r * 2 * H; out[i] = j < H ? fwd[r * H + j] : rev[r * H + j - H]",
	"rnnJoinDirections"
)

splitDirections = ElementwiseKernel(
	"T *dFwd, T *dRev, const T *grad, long H",
	"long r = i / H, j = i - r * H; dFwd[i] = grad[r * 2 * H + j]; dRev[i] = grad[r * 2 * H + H + j]",
	"rnnSplitDirections"
)

copyInto = ElementwiseKernel("T *dst, const T *src", "dst[i] = src[i]", "rnnCopyInto")

GATES = {"lstm": 4, "gru": 3, "relu": 1, "tanh": 1}
DIRECTIONS = {"uni": 1, "bi": 2}


class RNN(Module):
	"""A stack of recurrent layers over time-major sequences, as torch.nn.LSTM / GRU / RNN.

	RNN(insize, hsize, layers=1, mode="lstm", direction="uni", dropout=0.0, getSequences=True, name=None).
	Input (T, batch, insize); output (T, batch, hsize * directions), or its last step (batch, hsize * directions)
	when getSequences is False. Initial states are zero. Variables weight_ih_l{k}[_reverse] (G*hsize, in),
	weight_hh_l{k}[_reverse] (G*hsize, hsize), bias_ih_l{k}[_reverse], bias_hh_l{k}[_reverse] (G*hsize,), with
	G = 4 (gates i, f, g, o), 3 (r, z, n) or 1, all drawn from U(-1/sqrt(hsize), 1/sqrt(hsize)) as in PyTorch.
	dropout (train mode only) applies to the outputs of every layer but the last.
	"""

	def __init__(self, insize, hsize, layers=1, mode="lstm", direction="uni", dropout=0.0, getSequences=True, name=None):
		super().__init__(name)
		who = self.describe()
		self.insize = checkPositiveInt(who, "insize", insize)
		self.hsize = checkPositiveInt(who, "hsize", hsize)
		self.layers = checkPositiveInt(who, "layers", layers)
		if not isinstance(mode, str) or mode not in GATES:
			raise ValueError("%s: mode must be one of %s, got %r" % (who, ", ".join(GATES), mode))
		if not isinstance(direction, str) or direction not in DIRECTIONS:
			raise ValueError("%s: direction must be one of %s, got %r" % (who, ", ".join(DIRECTIONS), direction))
		if not isinstance(dropout, numbers.Real) or isinstance(dropout, bool) or not 0 <= dropout < 1:
			raise ValueError("%s: dropout must be a number in [0, 1), got %r" % (who, dropout))
		if not isinstance(getSequences, bool):
			raise TypeError("%s: getSequences must be a bool, got %r" % (who, getSequences))

		self.mode, self.direction, self.dropout, self.getSequences = mode, direction, float(dropout), getSequences
		self.numOfGates, self.numOfDirections = GATES[mode], DIRECTIONS[direction]

		bound = 1.0 / np.sqrt(hsize)
		rows = self.numOfGates * hsize
		for layer in range(self.layers):
			layerIn = insize if layer == 0 else hsize * self.numOfDirections
			for d in range(self.numOfDirections):
				for prefix, shape in (("weight_ih", (rows, layerIn)), ("weight_hh", (rows, hsize)), ("bias_ih", (rows, )),
									  ("bias_hh", (rows, ))):
					init = self._uniform(shape, bound)
					self.setVar(self.paramName(prefix, layer, d), Variable(gpuarray.to_gpu(init)))

		self.layerCache, self.deltas = None, None


	def _uniform(self, shape, bound):
		return Config.hostRng().uniform(-bound, bound, size=shape).astype(self.calctype)


	@staticmethod
	def paramName(prefix, layer, direction):
		"""PyTorch's parameter name: weight_ih_l0, bias_hh_l1_reverse, ..."""
		return "%s_l%d%s" % (prefix, layer, "_reverse" if direction == 1 else "")


	def _params(self, layer, d):
		return [self.vars[self.paramName(p, layer, d)] for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]


	# --- forward ------------------------------------------------------------------------------------------------

	def updateData(self, data):
		T = data.shape[0]
		self.layerCache, self.deltas = [], None

		x = data
		for layer in range(self.layers):
			states = [self._forwardDirection(layer, d, x) for d in range(self.numOfDirections)]
			if self.numOfDirections == 1:
				y = states[0]["out"]
			else:
				y = gpuarray.empty(states[0]["out"].shape[:2] + (2 * self.hsize, ), self.calctype)
				joinDirections(y, states[0]["out"], states[1]["out"], self.hsize)

			mask = None
			if self.train and self.dropout > 0 and layer < self.layers - 1:
				mask = Rng.fillUniform(gpuarray.empty_like(y), 0.0, 1.0)
				dropped = gpuarray.empty_like(y)
				dropoutForward(dropped, mask, y, self.dropout, 1.0 / (1.0 - self.dropout))
				y = dropped

			self.layerCache.append({"input": x, "states": states, "mask": mask})
			x = y

		return x if self.getSequences else x[T - 1]


	def _forwardDirection(self, layer, d, x):
		"""Runs one direction of one layer over the sequence x (T, batch, in); returns what backward needs."""
		Wih, Whh, bih, bhh = self._params(layer, d)
		T, batch, insize = x.shape
		H, G = self.hsize, self.numOfGates

		gates = Blas.gemm(x.reshape(T * batch, insize), Wih.data, transpB=True, bias=bih.data).reshape(T, batch, G * H)

		# states by time with one extra slot for the zero initial state: first for the forward direction (time t
		# at slot t + 1), last for the reverse one (time t at slot t), so both directions' outputs are one slice
		h = gpuarray.empty((T + 1, batch, H), self.calctype)
		c = gpuarray.empty((T + 1, batch, H), self.calctype) if self.mode == "lstm" else None
		hn = gpuarray.empty((T, batch, H), self.calctype) if self.mode == "gru" else None
		hp = gpuarray.empty((batch, G * H), self.calctype)

		first = 0 if d == 0 else T
		h[first].fill(0)
		if c is not None:
			c[first].fill(0)

		for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
			new, prev = (t + 1, t) if d == 0 else (t, t + 1)
			Blas.gemm(h[prev], Whh.data, out=hp, transpB=True, bias=bhh.data)
			if self.mode == "lstm":
				lstmForward(c[new], h[new], gates[t], hp, c[prev], H)
			elif self.mode == "gru":
				gruForward(h[new], gates[t], hn[t], hp, h[prev], H)
			else:
				elmanForward[self.mode](h[new], gates[t], hp)

		return {"gates": gates, "h": h, "c": c, "hn": hn, "out": h[1:] if d == 0 else h[:T]}


	# --- backward (through time) --------------------------------------------------------------------------------

	def _backprop(self, grad):
		"""The gate gradients of every layer and direction, computed once per backward call and kept for both
		accGradParams and updateGrad; returns (deltas per layer, gradient of the first layer's output)."""
		if self.deltas is not None and self.deltas[0] is grad:
			return self.deltas[1]

		T = self.layerCache[0]["input"].shape[0]
		if not self.getSequences:
			full = gpuarray.zeros((T, ) + tuple(grad.shape), self.calctype)
			copyInto(full[T - 1], grad)
			dy = full
		else:
			dy = grad

		deltas = [None] * self.layers
		for layer in range(self.layers - 1, -1, -1):
			cache = self.layerCache[layer]
			if cache["mask"] is not None:
				masked = gpuarray.empty_like(dy)
				dropoutBackward(masked, dy, cache["mask"])
				dy = masked

			if self.numOfDirections == 1:
				douts = [dy]
			else:
				douts = [gpuarray.empty(dy.shape[:2] + (self.hsize, ), self.calctype) for _ in range(2)]
				splitDirections(douts[0], douts[1], dy, self.hsize)

			deltas[layer] = [self._backwardDirection(layer, d, cache["states"][d], douts[d]) for d in range(self.numOfDirections)]
			if layer > 0:
				dy = self._inputGrad(layer, deltas[layer])

		self.deltas = (grad, deltas)
		return deltas


	def _backwardDirection(self, layer, d, state, dout):
		"""BPTT through one direction; returns (dGx, dGh), the gate gradients of the input and recurrent products."""
		_, Whh, _, _ = self._params(layer, d)
		T, batch, H = dout.shape
		G = self.numOfGates

		dGx = gpuarray.empty((T, batch, G * H), self.calctype)
		dGh = gpuarray.empty_like(dGx) if self.mode == "gru" else dGx
		dhRec = gpuarray.zeros((batch, H), self.calctype)
		dc = gpuarray.zeros((batch, H), self.calctype) if self.mode == "lstm" else None
		h, c, gates = state["h"], state["c"], state["gates"]

		order = range(T - 1, -1, -1) if d == 0 else range(T)
		last = order[-1]
		for t in order:
			new, prev = (t + 1, t) if d == 0 else (t, t + 1)
			if self.mode == "lstm":
				lstmBackward(dc, dGx[t], gates[t], c[new], c[prev], dout[t], dhRec, H)
			elif self.mode == "gru":
				gruBackward(dhRec, dGx[t], dGh[t], gates[t], state["hn"][t], h[prev], dout[t], H)
			else:
				elmanBackward[self.mode](dGx[t], h[new], dout[t], dhRec)

			if t != last:  # the gradient reaching the zero initial state is not needed
				Blas.gemm(dGh[t], Whh.data, out=dhRec, beta=1.0 if self.mode == "gru" else 0.0)

		return dGx, dGh


	def _inputGrad(self, layer, deltas):
		"""dL/d(layer input) = sum over directions of dGx W_ih, as (T, batch, in)."""
		x = self.layerCache[layer]["input"]
		T, batch, insize = x.shape
		out = gpuarray.empty((T * batch, insize), self.calctype)
		for d, (dGx, _) in enumerate(deltas):
			Wih = self._params(layer, d)[0]
			Blas.gemm(dGx.reshape(T * batch, dGx.shape[2]), Wih.data, out=out, beta=1.0 if d > 0 else 0.0)
		return out.reshape(T, batch, insize)


	def accGradParams(self, grad):
		deltas = self._backprop(grad)
		for layer, cache in enumerate(self.layerCache):
			x = cache["input"]
			T, batch, insize = x.shape
			for d, (dGx, dGh) in enumerate(deltas[layer]):
				Wih, Whh, bih, bhh = self._params(layer, d)
				rows = dGx.shape[2]
				dGx2, dGh2 = dGx.reshape(T * batch, rows), dGh.reshape(T * batch, rows)
				# every step's recurrent input, the initial state included, is one slice of the state buffer
				h = cache["states"][d]["h"]
				hPrev = (h[:T] if d == 0 else h[1:]).reshape(T * batch, self.hsize)

				Blas.gemm(dGx2, x.reshape(T * batch, insize), out=Wih.grad, transpA=True, beta=1.0)
				Blas.gemm(dGh2, hPrev, out=Whh.grad, transpA=True, beta=1.0)
				Blas.sumOnMatrix(dGx2, out=bih.grad, cols=True, beta=1.0)
				Blas.sumOnMatrix(dGh2, out=bhh.grad, cols=True, beta=1.0)


	def updateGrad(self, grad):
		return self._inputGrad(0, self._backprop(grad)[0])


	# --- shapes -------------------------------------------------------------------------------------------------

	def checkDataShape(self, shape):
		if len(shape) != 3 or shape[2] != self.insize or shape[0] < 1 or shape[1] < 1:
			raise self.moduleError(
				"expected time-major input of shape (T, batch, %d) with T, batch >= 1, got %s" % (self.insize, tuple(shape))
			)


	def dataShapeFrom(self, shape):
		width = self.hsize * self.numOfDirections
		return (shape[0], shape[1], width) if self.getSequences else (shape[1], width)
