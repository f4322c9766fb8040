"""What Trainer, Validator and Calculator share: batching, host-to-device staging, progress bars, history.

Data is one array, or a list with one array per net input (a Graph with several inputs); the arrays are
batched together, so they must hold the same number of samples. Host data (numpy) is streamed through
preallocated device buffers of one batch each (per input and for the target); the last batch of an epoch may be
smaller and uses a leading view of them. A batch size larger than the data means one batch of the whole data:
the buffers never hold more rows than the data has.
"""
import sys
import time

import numpy as np

from framework.Backend import gpuarray


class Handler:
	def __init__(self, net, batchsize=128, progress=True):
		if isinstance(batchsize, bool) or not isinstance(batchsize, (int, np.integer)) or batchsize < 1:
			raise ValueError("%s: batchsize must be a positive int, got %r" % (type(self).__name__, batchsize))

		self.net, self.batchsize, self.progress = net, int(batchsize), progress
		self.history = []
		self.buffers = {}


	# --- batching ------------------------------------------------------------------------------------------

	def batchRanges(self, size):
		"""(start, stop) of every batch of `size` samples; the last one holds the remainder."""
		return [(start, min(start + self.batchsize, size)) for start in range(0, size, self.batchsize)]


	def rowBatches(self, size):
		"""batchRanges over this rank's rows when the handler has a nodeinfo of several ranks (its shard of the whole
		data, in rank order), over all rows otherwise."""
		node = getattr(self, "nodeinfo", None)
		if node is None or node.size == 1:
			return self.batchRanges(size)
		lo, hi = node.shard(size)
		return [(lo + a, lo + b) for a, b in self.batchRanges(hi - lo)]


	def checkInputs(self, data, target, onDevice, what):
		"""Validates one call's data and target; returns the data as a list of arrays and the sample count.

		`what` is the device method's name ("train"); messages name the method that was called.
		"""
		method = "%s.%s" % (type(self).__name__, what if onDevice else what + "FromHost")
		arrays = list(data) if isinstance(data, (list, tuple)) else [data]
		if not arrays:
			raise ValueError("%s: expected at least one data array, got an empty list" % method)

		named = [("input %d" % k if len(arrays) > 1 else "data", ary) for k, ary in enumerate(arrays)]
		named += [("target", target)] if target is not None else []
		for label, ary in named:
			if onDevice and not gpuarray.isArray(ary):
				raise TypeError("%s: expected device arrays (use %sFromHost for numpy data), got %s as %s" % (
					method, what, type(ary).__name__, label
				))
			if not onDevice and not isinstance(ary, np.ndarray):
				raise TypeError("%s: expected numpy arrays, got %s as %s" % (method, type(ary).__name__, label))
			if ary.ndim == 0:
				raise ValueError("%s: expected arrays with a batch axis, got a 0-d %s" % (method, label))

		size = arrays[0].shape[0]
		for k, ary in enumerate(arrays[1:], 1):
			if ary.shape[0] != size:
				raise ValueError("%s: every input needs the same number of samples: input 0 has %d, input %d has %d" % (
					method, size, k, ary.shape[0]
				))
		if target is not None and target.shape[0] != size:
			raise ValueError("%s: data has %d samples but target has %d" % (method, size, target.shape[0]))
		if size == 0:
			raise ValueError("%s: expected at least one sample, got an empty array" % method)
		return arrays, size


	@staticmethod
	def netInput(arrays, wasList):
		"""What the net takes: the one array, or the list of them for a net with several inputs."""
		return list(arrays) if wasList else arrays[0]


	def stage(self, key, host):
		"""Copies a host batch into the device buffer `key`, returning a view of exactly its size.

		Integer labels become int32, what the classification costs take; the caller has range-checked them on the
		whole array first (Cost.checkHostTarget), so the cast cannot wrap.
		"""
		dtype = self.net.calctype if host.dtype.kind == "f" else (np.dtype(np.int32) if host.dtype.kind in "iu" else host.dtype)
		buf = self.buffers.get(key)
		# A call's first batch is its largest, so the buffer has min(batchsize, data size) rows
		if buf is None or buf.shape[0] < host.shape[0] or buf.shape[1:] != host.shape[1:] or buf.dtype != dtype:
			buf = self.buffers[key] = gpuarray.empty(host.shape, dtype)

		view = buf if host.shape[0] == buf.shape[0] else buf[:host.shape[0]]
		view.set(np.ascontiguousarray(host, dtype=dtype))
		return view


	def stageInputs(self, arrays, rows):
		"""Stages rows (a slice or an index array) of every host input, each into its own buffer."""
		return [self.stage("data%d" % k, ary[rows]) for k, ary in enumerate(arrays)]


	# --- progress ------------------------------------------------------------------------------------------

	def progressBar(self, iterable, desc, total=None):
		"""tqdm over the batches when asked for, installed, and writing to a terminal; the plain iterable otherwise."""
		if not self.progress or not sys.stderr.isatty():
			return iterable
		try:
			from tqdm import tqdm  # optional dependency: imported only when a bar is wanted
		except ImportError:
			return iterable
		return tqdm(iterable, desc=desc, total=total, unit="batch", leave=False, dynamic_ncols=True)


	def clock(self):
		gpuarray.synchronize()
		return time.perf_counter()
