"""The CUDA implementation of the Backend interface: PyCUDA arrays and kernels, cuBLAS via scikit-cuda."""
import os

import pycuda.driver as drv

from framework import Config

# The context is made on import: on Config's device when one was chosen (NodeInfo picks the local rank's GPU),
# which PyCUDA's context factory reads from CUDA_DEVICE.
_device = Config.claimDevice()
if _device is not None:
	drv.init()
	os.environ["CUDA_DEVICE"] = str(_device % drv.Device.count())

try:
	import pycuda.autoprimaryctx  # noqa: F401  (PyCUDA >= 2021.1: shares the primary context with other libraries)
except ImportError:
	import pycuda.autoinit  # noqa: F401

import pycuda.gpuarray as pgpu

from framework.Backend.Cuda import Rng
from framework.Backend.Cuda.Collective import collectiveInPlace
from framework.Backend.Cuda.Blas import gemm, gemv, sumOnMatrix
from framework.Backend.Cuda.Kernels import ElementwiseKernel as buildElementwise, ReductionKernel as buildReduction
from framework.Backend.Cuda.Rng import fillUniform, fillNormal

Config.onSeed(Rng.seed)

ArrayType = pgpu.GPUArray


def toDevice(ary):
	return pgpu.to_gpu(ary)


def empty(shape, dtype):
	return pgpu.empty(shape, dtype)


def zeros(shape, dtype):
	return pgpu.zeros(shape, dtype)


def synchronize():
	drv.Context.synchronize()
