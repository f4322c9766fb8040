"""One process's place in a data-parallel job, and the collectives training needs, over mpi4py.

Every rank holds the whole net; each computes gradients on its share of the batch and the
optimizer averages them with one all-reduce before the step, so every rank makes the same step.
"""
import hashlib
import numbers
import os

import numpy as np

from framework import Config
from framework.Backend import Rng, gpuarray
from framework.Backend.Collective import runInPlace
from framework.Backend.SharedArray import ALIGN_BYTES
from framework.Distributed import Faults, Launch

# Overrides the CUDA-awareness the MPI library reports: "1" passes device memory to MPI, "0" stages through host
CUDA_AWARE_VARIABLE = "FRAMEWORK_MPI_CUDA_AWARE"


class NodeInfo:
	"""NodeInfo(comm=None): rank, size, localRank, isRoot; broadcast, allReduceSum, allReduceMean, meanValue, barrier.

	comm is an mpi4py intracommunicator (MPI.COMM_WORLD when None). Made with more than one process, it
	makes an uncaught exception on any rank abort the whole job, and ranks sharing a host use different GPUs.
	"""

	def __init__(self, comm=None):
		MPI = Launch.importMpi("NodeInfo")
		if comm is None:
			comm = MPI.COMM_WORLD
		elif not isinstance(comm, MPI.Intracomm):
			raise TypeError("NodeInfo: comm must be an mpi4py intracommunicator such as MPI.COMM_WORLD, got %s" % type(comm).__name__)

		self.MPI, self.comm = MPI, comm
		self.rank, self.size = comm.Get_rank(), comm.Get_size()
		self.isRoot = self.rank == 0

		# Ranks that share memory share a host: their order there picks each one's GPU
		local = comm.Split_type(MPI.COMM_TYPE_SHARED, key=self.rank)
		self.localRank, self.localSize = local.Get_rank(), local.Get_size()
		local.Free()

		self.deviceAware = self.cudaAware()
		if self.localSize > 1:
			Config.setDevice(self.localRank)
		if self.size > 1:
			Faults.abortOnUncaught(comm)
			# The backend is imported now (on the device chosen above) so that its seed listener runs before this one
			gpuarray.GPUArrayType()
			Config.onSeed(self.seedDeviceRng)
			if Config.getSeed() is not None:
				self.seedDeviceRng(Config.getSeed())


	def __repr__(self):
		return "NodeInfo(rank=%d, size=%d, localRank=%d)" % (self.rank, self.size, self.localRank)


	def seedDeviceRng(self, seed):
		"""Dropout masks differ per rank: ranks after the first reseed the device generator from (seed, rank); the
		host generator, which draws the shuffles, stays the same everywhere."""
		if self.rank > 0:
			Rng.reseed(np.random.SeedSequence([seed, self.rank]).generate_state(1)[0])


	def cudaAware(self):
		"""Whether the MPI library reads device memory: FRAMEWORK_MPI_CUDA_AWARE, else its memory allocation kinds."""
		forced = os.environ.get(CUDA_AWARE_VARIABLE, "").strip()
		if forced in ("0", "1"):
			return forced == "1"
		try:
			kinds = self.comm.Get_info().Get("mpi_memory_alloc_kinds") or ""  # MPI 4.1: e.g. "mpi,system,cuda:device"
		except (NotImplementedError, self.MPI.Exception):
			return False
		return any(kind.split(":")[0] == "cuda" for kind in kinds.split(","))


	# --- arrays, in place --------------------------------------------------------------------------------

	def broadcast(self, ary, root=0):
		"""Copies root's ary into ary on every rank; returns ary."""
		self.checkArray(ary, "broadcast")
		if isinstance(root, (bool, np.bool_)) or not isinstance(root, numbers.Integral) or not 0 <= root < self.size:
			raise ValueError("NodeInfo.broadcast: root must be a rank in [0, %d), got %r" % (self.size, root))

		if self.size > 1 and ary.size > 0:
			runInPlace(ary, lambda buf: self.comm.Bcast(buf, root=int(root)), self.deviceAware)
		return ary


	def allReduceSum(self, ary):
		"""Replaces ary on every rank by the element-wise sum over the ranks; returns ary."""
		self.checkArray(ary, "allReduceSum")
		if self.size > 1 and ary.size > 0:
			runInPlace(ary, self.sumInto, self.deviceAware)
		return ary


	def allReduceMean(self, ary):
		"""Replaces ary on every rank by the element-wise mean over the ranks; returns ary."""
		self.checkArray(ary, "allReduceMean")
		if ary.dtype.kind != "f":
			raise TypeError("NodeInfo.allReduceMean: expected a float array, got %s" % ary.dtype)

		if self.size > 1 and ary.size > 0:
			runInPlace(ary, self.meanInto, self.deviceAware)
		return ary


	def sumInto(self, buf):
		self.comm.Allreduce(self.MPI.IN_PLACE, buf, op=self.MPI.SUM)


	def meanInto(self, buf):
		self.comm.Allreduce(self.MPI.IN_PLACE, buf, op=self.MPI.SUM)
		buf *= 1.0 / self.size


	def checkArray(self, ary, what):
		if not gpuarray.isArray(ary):
			raise TypeError("NodeInfo.%s: expected a backend array (gpuarray), got %s" % (what, type(ary).__name__))


	# --- host values ---------------------------------------------------------------------------------------

	def meanValue(self, x):
		"""The mean of a host number over the ranks, as a float, on every rank."""
		if isinstance(x, (bool, np.bool_, str, bytes)) or np.ndim(x) != 0 or not np.isrealobj(x):
			raise TypeError("NodeInfo.meanValue: expected a real number, got %r" % (x, ))
		if self.size == 1:
			return float(x)
		return self.comm.allreduce(float(x), op=self.MPI.SUM) / self.size


	def meanOverRows(self, value, rows):
		"""The mean over every rank's rows of a per-row mean: `value` is this rank's mean over its `rows` rows.

		None stays None; a rank with no rows adds nothing. Handlers reduce their loss and metric with it.
		"""
		if value is None or self.size == 1:
			return value
		sums = np.array([float(value) * rows, float(rows)])
		self.comm.Allreduce(self.MPI.IN_PLACE, sums, op=self.MPI.SUM)
		return float(sums[0] / sums[1]) if sums[1] > 0 else 0.0


	def averageAttributes(self, module):
		"""Averages a module's float attributes (BatchNorm running statistics) over the ranks, in place.

		Each rank's running statistics follow its own shards; their mean is what a checkpoint and a validation use.
		"""
		for name, ary in sorted(module.getAttrTable().items()):
			if ary.dtype.kind == "f":
				self.allReduceMean(ary)


	def allGather(self, obj):
		"""[obj of rank 0, obj of rank 1, ...] on every rank (any picklable object)."""
		return self.comm.allgather(obj)


	def barrier(self):
		"""Returns once every rank has called it."""
		self.comm.Barrier()


	# --- replicas of one model (what the optimizer calls) -----------------------------------------------------

	def checkSameOnAllRanks(self, who, what, description):
		"""Raises the same ValueError on every rank unless every rank passed an equal description (a list).

		One allgather of a digest; only on a mismatch a second one gathers the descriptions, so that the message
		can name the first difference. Every rank takes the same branch, so none is left waiting.
		"""
		digest = hashlib.sha256(repr(description).encode()).hexdigest()
		digests = self.allGather(digest)
		if all(d == digests[0] for d in digests):
			return

		descriptions = self.allGather(description)
		bad = next(r for r, d in enumerate(digests) if d != digests[0])
		first, other = descriptions[0], descriptions[bad]
		k = next((k for k, (a, b) in enumerate(zip(first, other)) if a != b), min(len(first), len(other)))
		raise ValueError("%s: %s differ between the ranks: at entry %d rank 0 has %s but rank %d has %s (%d against %d entries)" % (
			who, what, k, first[k] if k < len(first) else "nothing", bad, other[k] if k < len(other) else "nothing", len(first), len(other)
		))


	def replicate(self, who, layout):
		"""What Optimizer.setupOn calls: checks that every rank set up the same variables in the same state mode, then
		copies rank 0's parameters to every rank (one broadcast per dtype in global state, per variable in local).

		layout: the optimizer's ParamLayout (.names, .vars, .globalState, .buffers {dtype: {"data": SharedArray}}).
		"""
		description = [("globalState", bool(layout.globalState))]
		description += [(name, tuple(var.shape), np.dtype(var.dtype).str) for name, var in zip(layout.names, layout.vars)]
		self.checkSameOnAllRanks(who, "the variables", description)

		if layout.globalState:
			parameters = [buffers["data"].buffer for _, buffers in sorted(layout.buffers.items(), key=lambda item: item[0].str)]
		else:
			parameters = [var.data for var in layout.vars]
		for ary in parameters:
			self.broadcast(ary, root=0)


	def averageGradients(self, groups):
		"""Averages the gradients an optimizer step launches over: one all-reduce per contiguous run of the global
		buffer (one per dtype unless frozen variables sit between runs), one per variable in local state.

		groups: objects with .grad (the variable's gradient, or the whole global buffer) and .range (None, or the
		slice of the buffer the group covers). Frozen variables belong to no group and are not reduced.
		"""
		runs = {}  # id(buffer) -> (buffer, [[start, stop], ...])
		for group in groups:
			if group.range is None:
				self.allReduceMean(group.grad)
			else:
				runs.setdefault(id(group.grad), (group.grad, []))[1].append([group.range.start, group.range.stop])

		for buffer, ranges in runs.values():
			# Groups of one buffer are separated by alignment padding only, unless a frozen variable sits between them:
			# it takes at least one whole alignment block, so a gap shorter than a block holds no variable
			block = ALIGN_BYTES // buffer.dtype.itemsize
			ranges.sort()
			merged = [ranges[0]]
			for start, stop in ranges[1:]:
				if start - merged[-1][1] < block:
					merged[-1][1] = stop
				else:
					merged.append([start, stop])
			for start, stop in merged:
				self.allReduceMean(buffer[start:stop])


	# --- splitting work ------------------------------------------------------------------------------------

	def shard(self, total):
		"""(start, stop) of this rank's rows when `total` rows are split in rank order, sizes differing by at most one."""
		if isinstance(total, (bool, np.bool_)) or not isinstance(total, numbers.Integral) or total < 0:
			raise ValueError("NodeInfo.shard: total must be a non-negative int, got %r" % (total, ))
		base, extra = divmod(int(total), self.size)
		start = self.rank * base + min(self.rank, extra)
		return start, start + base + (self.rank < extra)
