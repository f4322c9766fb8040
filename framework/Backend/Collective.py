"""Collective operations (MPI) on backend arrays, in place: the facade over each backend's buffer hand-off.

framework.Distributed.NodeInfo calls this; it never needs to know which backend holds the array.
"""
from framework.Backend import impl


def runInPlace(ary, collective, deviceAware=False):
	"""Calls collective(buffer) with a buffer holding ary's data; what the call leaves in the buffer ends in ary.

	On the CPU the buffer is ary's own memory. On CUDA it is the device memory when deviceAware (a CUDA-aware
	MPI), else a page-locked host buffer shared by all calls. The buffer is a numpy array or, for a CUDA-aware
	MPI, the GPUArray; both support in-place `*=` by a scalar.
	"""
	impl().collectiveInPlace(ary, collective, deviceAware)
