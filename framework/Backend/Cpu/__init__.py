"""The CPU implementation of the Backend interface (see framework/Backend/Cuda for the other one)."""
import numpy as np

from framework import Config
from framework.Backend.Cpu import Rng, Threads
from framework.Backend.Cpu.Array import Array, alignedEmpty
from framework.Backend.Cpu.Collective import collectiveInPlace
from framework.Backend.Cpu.Blas import gemm, gemv, sumOnMatrix
from framework.Backend.Cpu.Kernels import ElementwiseKernel as buildElementwise, ReductionKernel as buildReduction
from framework.Backend.Cpu.Rng import fillUniform, fillNormal

__all__ = (
	"activate", "ArrayType", "toDevice", "empty", "zeros", "synchronize", "buildElementwise", "buildReduction",
	"gemm", "gemv", "sumOnMatrix", "fillUniform", "fillNormal", "Rng", "collectiveInPlace",
)

# Before any kernel starts the OpenMP runtime, which reads the setting once
if Config.getNumThreads() is not None:
	Threads.setThreads(Config.getNumThreads())
Config.onNumThreads(Threads.setThreads)

ArrayType = Array


def activate():
	"""Called once when the facade chooses this backend: the generator follows Config.setSeed from then on."""
	Config.onSeed(Rng.seed)


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
