"""Hands a GPUArray's data to a collective (MPI) operation.

A CUDA-aware MPI reads and writes device memory itself (mpi4py takes any object with
__cuda_array_interface__, which GPUArray has). Any other MPI gets host memory: one page-locked
staging buffer, grown to the largest array seen and reused by every later call, so a training step
costs two DMA copies and no allocation.
"""
import numpy as np
import pycuda.driver as drv

_staging = None  # page-locked uint8 host buffer


def stagingFor(ary):
	"""A host view of ary's shape and dtype on the shared page-locked buffer."""
	global _staging
	if _staging is None or _staging.nbytes < ary.nbytes:
		_staging = None  # release the old pinned block before pinning a larger one
		_staging = drv.pagelocked_empty(ary.nbytes, np.uint8)
	return _staging[:ary.nbytes].view(ary.dtype).reshape(ary.shape)


def collectiveInPlace(ary, collective, deviceAware=False):
	"""Runs collective(buffer) on ary's data and leaves the result in ary."""
	if deviceAware:
		# MPI does not wait for the kernels queued on the stream that wrote ary
		drv.Context.synchronize()
		collective(ary)
		return

	host = stagingFor(ary)
	ary.get(host)  # a synchronous copy: waits for the kernels that wrote ary
	collective(host)
	ary.set(host)
