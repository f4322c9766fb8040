"""The CUDA implementation of the Backend interface: PyCUDA arrays and kernels, cuBLAS via scikit-cuda.

Importing this package creates no CUDA context and loads no cuBLAS, so its kernels can be compiled on a
machine without a GPU (tests/Backend/test_CudaCompile.py); `activate()` does both, once, when the facade
chooses this backend.
"""
import os

import pycuda.driver as drv
import pycuda.gpuarray as pgpu

from framework import Config
from framework.Backend.Cuda import Rng
from framework.Backend.Cuda.Collective import collectiveInPlace
from framework.Backend.Cuda.Blas import gemm, gemv, sumOnMatrix
from framework.Backend.Cuda.Kernels import ElementwiseKernel as buildElementwise, ReductionKernel as buildReduction
from framework.Backend.Cuda.Rng import fillUniform, fillNormal

__all__ = (
	"activate", "ArrayType", "toDevice", "empty", "zeros", "synchronize", "buildElementwise", "buildReduction",
	"gemm", "gemv", "sumOnMatrix", "fillUniform", "fillNormal", "Rng", "collectiveInPlace",
)

ArrayType = pgpu.GPUArray


def activate():
	"""Makes the CUDA context (PyCUDA's primary context, shared with other libraries) and follows the seed."""
	# On Config's device when one was chosen (NodeInfo picks the local rank's GPU): PyCUDA's context factory
	# reads it from CUDA_DEVICE
	device = Config.claimDevice()
	if device is not None:
		drv.init()
		os.environ["CUDA_DEVICE"] = str(device % drv.Device.count())
	try:
		import pycuda.autoprimaryctx  # noqa: F401  (PyCUDA >= 2021.1; importing it is what creates the context)
	except ImportError:
		import pycuda.autoinit  # noqa: F401  (older PyCUDA: its own context)
	Config.onSeed(Rng.seed)


def toDevice(ary):
	return pgpu.to_gpu(ary)


def empty(shape, dtype):
	return pgpu.empty(shape, dtype)


def zeros(shape, dtype):
	return pgpu.zeros(shape, dtype)


def synchronize():
	drv.Context.synchronize()
