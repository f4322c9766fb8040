"""Embedding lookup: integer token indices to rows of a trainable table."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules import Init
from framework.Modules.Module import Module
from framework.Modules.Utils import checkPositiveInt
from framework.Variable import Variable

gatherRows = ElementwiseKernel(
	"T *out, const T *W, const int *idx, int E", "out[i] = W[(long)idx[i / E] * E + i % E]", "embedderForward"
)

# One work item per (distinct word, column), run over range(words * E): the positions of word u are
# order[starts[u] .. starts[u + 1]), so repeated words add up without atomics.
scatterRows = ElementwiseKernel(
	"T *dW, const T *grad, const int *order, const int *words, const int *starts, int E",
	"""
	long u = i / E, e = i % E;
	T acc = 0;
	for (int k = starts[u]; k < starts[u + 1]; k++) acc += grad[(long)order[k] * E + e];
	dW[(long)words[u] * E + e] += acc;
	""",
	"embedderBackward"
)


class Embedder(Module):
	"""y[b, s, :] = W[x[b, s], :]; x int32 (batch, seq) in [0, vocabulary), W (vocabulary, embsize) ~ N(0, 1).

	Embedder(vocabulary, embsize, name=None). The indices have no gradient (backward returns None).
	"""

	def __init__(self, vocabulary, embsize, name=None):
		super().__init__(name)
		self.vocabulary = checkPositiveInt(self.describe(), "vocabulary", vocabulary)
		self.embsize = checkPositiveInt(self.describe(), "embsize", embsize)
		W = Init.gaussian((vocabulary, embsize), vocabulary, embsize, self.calctype, std=1.0)
		self.setVar("W", Variable(gpuarray.to_gpu(W)))
		self.hostIndices = None


	@property
	def W(self):
		return self.vars["W"]


	def updateData(self, data):
		out = gpuarray.empty(self.dataShapeFrom(data.shape), self.calctype)
		gatherRows(out, self.W.data, data, self.embsize)
		return out


	def updateGrad(self, grad):
		return None


	def accGradParams(self, grad):
		# grouping the positions by word is integer bookkeeping on the indices already on the host
		flat = self.hostIndices.reshape(-1)
		order = np.argsort(flat, kind="stable").astype(np.int32)
		words, counts = np.unique(flat, return_counts=True)
		starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)

		E = self.embsize
		scatterRows(
			self.W.grad, grad, gpuarray.to_gpu(order), gpuarray.to_gpu(words.astype(np.int32)), gpuarray.to_gpu(starts), E,
			range=slice(0, words.size * E)
		)


	def checkData(self, data):
		if not gpuarray.isArray(data):
			raise self.moduleError("expected a device array of int32 indices, got %s" % type(data).__name__, TypeError)
		if data.dtype != np.int32:
			raise self.moduleError("expected int32 indices, got dtype %s" % data.dtype, TypeError)
		if data.ndim != 2:
			raise self.moduleError("expected indices of shape (batch, seq), got %s" % (tuple(data.shape), ))

		host = data.get()
		if host.size > 0 and (host.min() < 0 or host.max() >= self.vocabulary):
			bad = host[(host < 0) | (host >= self.vocabulary)][0]
			raise self.moduleError("index %d is out of range [0, %d)" % (bad, self.vocabulary))
		self.hostIndices = host


	def dataShapeFrom(self, shape):
		return (shape[0], shape[1], self.embsize)
