"""Embedding lookup: integer token indices to rows of a trainable table."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules import Init
from framework.Modules.Module import Module
from framework.Modules.Utils import checkPositiveInt
from framework.Variable import Variable

# An index outside [0, V) gives a NaN row instead of a read past the table: the forward pass checks the range on
# the device and never waits for it; the backward pass, which groups the positions on the host, names the index.
gatherRows = ElementwiseKernel(
	"T *out, const T *W, const int *idx, int E, int V",
	"int v = idx[i / E]; out[i] = v >= 0 && v < V ? W[(long)v * E + i % E] : 0.0 / 0.0",
	"embedderForward"
)

# One work item per (distinct word, column), run over range(words * E): the positions of word u are
# order[starts[u] .. starts[u + 1]), so repeated words add up without atomics.
scatterRows = ElementwiseKernel(
	"T *dW, const T *grad, const int *order, const int *words, const int *starts, int E, int items",
	"""
	if (i < items)  // the row count: items beyond it (a launch without its range) touch no array
	{
		long u = i / E, e = i % E;
		T acc = 0;
		for (int k = starts[u]; k < starts[u + 1]; k++) acc += grad[(long)order[k] * E + e];
		dW[(long)words[u] * E + e] += acc;
	}
	""",
	"embedderBackward"
)


class Embedder(Module):
	"""y[b, s, :] = W[x[b, s], :]; x int32 (batch, seq) in [0, vocabulary), W (vocabulary, embsize) ~ N(0, 1).

	Embedder(vocabulary, embsize, name=None). The indices have no gradient (backward returns None). The forward
	pass never copies the indices to the host: an index out of range gives a NaN row, and the backward pass (which
	groups repeated indices on the host) raises a ValueError naming it.
	"""

	def __init__(self, vocabulary, embsize, name=None):
		super().__init__(name)
		self.vocabulary = checkPositiveInt(self.describe(), "vocabulary", vocabulary)
		self.embsize = checkPositiveInt(self.describe(), "embsize", embsize)
		W = Init.gaussian((vocabulary, embsize), vocabulary, embsize, self.calctype, std=1.0)
		self.setVar("W", Variable(gpuarray.to_gpu(W)))


	@property
	def W(self):
		return self.vars["W"]


	def updateData(self, data):
		out = gpuarray.empty(self.dataShapeFrom(data.shape), self.calctype)
		gatherRows(out, self.W.data, data, self.embsize, self.vocabulary)
		return out


	def updateGrad(self, grad):
		return None


	def accGradParams(self, grad):
		# Grouping the positions by word needs a sort, which the kernels lack: one copy of the indices per backward
		host = self.inData.get()
		bad = np.flatnonzero((host < 0) | (host >= self.vocabulary))
		if bad.size > 0:
			position = np.unravel_index(bad[0], host.shape)
			raise self.moduleError("index %d is out of range [0, %d) (at position %s of the input, %d bad)" % (
				host.flat[bad[0]], self.vocabulary, tuple(int(k) for k in position), bad.size
			))
		flat = host.reshape(-1)
		order = np.argsort(flat, kind="stable").astype(np.int32)
		words, counts = np.unique(flat, return_counts=True)
		starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)

		E = self.embsize
		scatterRows(
			self.W.grad, grad, gpuarray.to_gpu(order), gpuarray.to_gpu(words.astype(np.int32)), gpuarray.to_gpu(starts), E,
			words.size * E, range=slice(0, words.size * E)
		)


	def checkData(self, data):
		if not gpuarray.isArray(data):
			raise self.moduleError("expected a device array of int32 indices, got %s" % type(data).__name__, TypeError)
		if data.dtype != np.int32:
			raise self.moduleError("expected int32 indices, got dtype %s" % data.dtype, TypeError)
		if data.ndim != 2:
			raise self.moduleError("expected indices of shape (batch, seq), got %s" % (tuple(data.shape), ))


	def dataShapeFrom(self, shape):
		return (shape[0], shape[1], self.embsize)
