"""The CPU implementation of the Backend interface (see framework/Backend/Cuda for the other one)."""
import numpy as np

from framework import Config
from framework.Backend.Cpu import Rng
from framework.Backend.Cpu.Array import Array, alignedEmpty
from framework.Backend.Cpu.Collective import collectiveInPlace
from framework.Backend.Cpu.Blas import gemm, gemv, sumOnMatrix
from framework.Backend.Cpu.Kernels import ElementwiseKernel as buildElementwise, ReductionKernel as buildReduction
from framework.Backend.Cpu.Rng import fillUniform, fillNormal

Config.onSeed(Rng.seed)

ArrayType = Array


def toDevice(ary):
	ary = np.asarray(ary)
	out = alignedEmpty(ary.shape, ary.dtype)
	np.copyto(out, ary)
	return Array(out)


def empty(shape, dtype):
	return Array(alignedEmpty(shape, dtype))


def zeros(shape, dtype):
	out = alignedEmpty(shape, dtype)
	out.fill(0)
	return Array(out)


def synchronize():
	pass
