"""Batched inference: runs a net in eval mode over a data set and gathers the outputs."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.SharedKernels import copy as copyInto
from framework.Handlers.Handler import Handler




class Calculator(Handler):
	"""Calculator(net, batchsize=128, progress=False): calc(data) -> device array, calcFromHost(data) -> numpy array.

	Data is an array or a list of arrays, one per net input. Outputs of all batches are concatenated along the
	first axis; the net runs in eval mode and is put back into the mode it was in.

	With a nodeinfo of several ranks (framework.Distributed) every rank is given the same data, computes its
	share of the rows and receives the others' outputs, so every rank returns the outputs of all rows.
	"""

	def __init__(self, net, batchsize=128, progress=False, nodeinfo=None):
		super().__init__(net, batchsize, progress)
		self.nodeinfo = nodeinfo


	def calc(self, data):
		arrays, size = self.checkInputs(data, None, True, "calc")
		wasList = isinstance(data, (list, tuple))
		if self.distributed():
			return gpuarray.to_gpu(self.gather(self.run((self.netInput([ary[a:b] for ary in arrays], wasList) for a, b in self.rowBatches(size)), size)))

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
		batches = (self.netInput(self.stageInputs(arrays, slice(a, b)), wasList) for a, b in self.rowBatches(size))
		if self.distributed():
			return self.gather(self.run(batches, size))

		out = None
		for (a, b), pred in self.run(batches, size):
			if out is None:
				out = np.empty((size, ) + tuple(pred.shape[1:]), pred.dtype)
			out[a:b] = pred.get()
		return out


	def distributed(self):
		return self.nodeinfo is not None and self.nodeinfo.size > 1


	def gather(self, outputs):
		"""Every rank's outputs of its rows, joined in rank order (= row order) on every rank, as one numpy array."""
		mine = [pred.get() for _, pred in outputs]
		parts = [part for rank in self.nodeinfo.allGather(mine) for part in rank]
		return np.concatenate(parts, axis=0)


	def run(self, batches, size):
		wasTraining = self.net.train
		self.net.evalMode()
		try:
			ranges = self.rowBatches(size)
			for (a, b), data in zip(ranges, self.progressBar(batches, "calc", len(ranges))):
				yield (a, b), self.net(data)
		finally:
			if wasTraining:
				self.net.trainMode()
