"""What Trainer, Validator and Calculator share: batching, host-to-device staging, progress bars, history.

Host data (numpy) is streamed through two preallocated device buffers of one
batch each; the last batch of an epoch may be smaller and uses a leading view of them.
"""
import sys
import time

import numpy as np

from framework.Backend import gpuarray


class Handler:
	def __init__(self, net, batchsize=128, progress=True):
		if not isinstance(batchsize, int) or batchsize < 1:
			raise ValueError("%s: batchsize must be a positive int, got %r" % (type(self).__name__, batchsize))

		self.net, self.batchsize, self.progress = net, batchsize, progress
		self.history = []
		self.buffers = {}


	# --- batching ------------------------------------------------------------------------------------------

	def batchRanges(self, size):
		"""(start, stop) of every batch of `size` samples; the last one holds the remainder."""
		return [(start, min(start + self.batchsize, size)) for start in range(0, size, self.batchsize)]


	def checkPair(self, data, target, onDevice, what):
		name = type(self).__name__
		isDevice = gpuarray.isArray(data)
		if onDevice and not isDevice:
			raise TypeError("%s.%s: expected device arrays (use %sFromHost for numpy data), got %s" % (
				name, what, what, type(data).__name__
			))
		if not onDevice and not isinstance(data, np.ndarray):
			raise TypeError("%s.%sFromHost: expected numpy arrays, got %s" % (name, what, type(data).__name__))

		if target is not None and data.shape[0] != target.shape[0]:
			raise ValueError("%s.%s: data has %d samples but target has %d" % (name, what, data.shape[0], target.shape[0]))
		if data.shape[0] == 0:
			raise ValueError("%s.%s: expected at least one sample, got an empty array" % (name, what))


	def stage(self, key, host):
		"""Copies a host batch into the device buffer `key`, returning a view of exactly its size."""
		# Float data follows the net's dtype; integer labels become int32, what the classification costs take
		dtype = self.net.calctype if host.dtype.kind == "f" else (np.dtype(np.int32) if host.dtype.kind in "iu" else host.dtype)
		buf = self.buffers.get(key)
		if buf is None or buf.shape[1:] != host.shape[1:] or buf.dtype != dtype:
			buf = self.buffers[key] = gpuarray.empty((self.batchsize, ) + host.shape[1:], dtype)

		view = buf if host.shape[0] == self.batchsize else buf[:host.shape[0]]
		view.set(np.ascontiguousarray(host, dtype=dtype))
		return view


	# --- progress ------------------------------------------------------------------------------------------

	def progressBar(self, iterable, desc, total=None):
		"""tqdm over the batches when asked for, installed, and writing to a terminal; the plain iterable otherwise."""
		if not self.progress or not sys.stderr.isatty():
			return iterable
		try:
			from tqdm import tqdm
		except ImportError:
			return iterable
		return tqdm(iterable, desc=desc, total=total, unit="batch", leave=False, dynamic_ncols=True)


	def clock(self):
		gpuarray.synchronize()
		return time.perf_counter()
