"""Batched inference: runs a net in eval mode over a data set and gathers the outputs."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Handlers.Handler import Handler


copyInto = ElementwiseKernel("T *dst, const T *src", "dst[i] = src[i]", "calculatorCopyInto")


class Calculator(Handler):
	"""Calculator(net, batchsize=128, progress=False): calc(data) -> device array, calcFromHost(data) -> numpy array.

	Data is an array or a list of arrays, one per net input. Outputs of all batches are concatenated along the
	first axis; the net runs in eval mode and is put back into the mode it was in.
	"""

	def __init__(self, net, batchsize=128, progress=False):
		super().__init__(net, batchsize, progress)


	def calc(self, data):
		arrays, size = self.checkInputs(data, None, True, "calc")
		wasList = isinstance(data, (list, tuple))
		out = None
		batches = (self.netInput([ary[a:b] for ary in arrays], wasList) for a, b in self.batchRanges(size))
		for (a, b), pred in self.run(batches, size):
			if out is None:
				out = gpuarray.empty((size, ) + tuple(pred.shape[1:]), pred.dtype)
			copyInto(out[a:b], pred)
		return out


	def calcFromHost(self, data):
		arrays, size = self.checkInputs(data, None, False, "calc")
		wasList = isinstance(data, (list, tuple))
		out = None
		batches = (self.netInput(self.stageInputs(arrays, slice(a, b)), wasList) for a, b in self.batchRanges(size))
		for (a, b), pred in self.run(batches, size):
			if out is None:
				out = np.empty((size, ) + tuple(pred.shape[1:]), pred.dtype)
			out[a:b] = pred.get()
		return out


	def run(self, batches, size):
		wasTraining = self.net.train
		self.net.evalMode()
		try:
			ranges = self.batchRanges(size)
			for (a, b), data in zip(ranges, self.progressBar(batches, "calc", len(ranges))):
				yield (a, b), self.net(data)
		finally:
			if wasTraining:
				self.net.trainMode()
