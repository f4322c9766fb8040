"""The CPU implementation of the Backend interface (see framework/Backend/Cuda for the other one)."""
import numpy as np

from framework import Config
from framework.Backend.Cpu import Rng
from framework.Backend.Cpu.Array import Array
from framework.Backend.Cpu.Blas import gemm, gemv, sumOnMatrix
from framework.Backend.Cpu.Kernels import ElementwiseKernel as buildElementwise, ReductionKernel as buildReduction
from framework.Backend.Cpu.Rng import fillUniform, fillNormal

Config.onSeed(Rng.seed)

ArrayType = Array


def toDevice(ary):
	return Array(np.array(ary, order="C", copy=True))


def empty(shape, dtype):
	return Array(np.empty(shape, dtype=dtype))


def zeros(shape, dtype):
	return Array(np.zeros(shape, dtype=dtype))


def synchronize():
	pass
