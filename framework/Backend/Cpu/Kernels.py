"""CPU kernels: the same C operation CUDA runs, inside an OpenMP loop, called through ctypes."""
import ctypes

import numpy as np

from framework.Backend.Cpu import Compiler
from framework.Backend.Cpu.Array import Array
from framework.Backend.KernelSource import ctypeOf, formatArgs, typedefT

# Below this many elements the loop stays on one thread. Waking the team costs more than the work, and
# in a training step it fights OpenBLAS threads still spinning after a gemm: at 2^15 an MLP step took
# 19 ms, at 2^18 2.2 ms (bench/nets.py, 2-core machine); 2^20 left conv kernels single-threaded.
PARALLEL_THRESHOLD = 1 << 18

# What C lacks next to CUDA's device library, so one operation compiles on both.
PREAMBLE = r"""
#include <math.h>
#include <stdint.h>
#include <omp.h>
static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
static inline double rsqrt(double x) { return 1.0 / sqrt(x); }
"""


def _header(dtype, preamble):
	return PREAMBLE + typedefT(dtype) + preamble + "\n"


class _CpuKernel:
	def __init__(self, args, name, source, extraArgtypes):
		self.args, self.name = args, name
		self.fn = getattr(Compiler.load(source, name), "fw_" + name)
		self.fn.restype = None
		self.fn.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_long] + extraArgtypes + [
			ctypes.c_void_p if arg.isPointer else np.ctypeslib.as_ctypes_type(arg.dtype) for arg in args
		]
		self.firstVector = next(k for k, arg in enumerate(args) if arg.isPointer)
		self.isPointer = tuple(arg.isPointer for arg in args)


	def convert(self, values):
		return [value.ptr if isPointer else value for isPointer, value in zip(self.isPointer, values)]


class ElementwiseKernel(_CpuKernel):
	def __init__(self, args, operation, name, preamble, dtype):
		source = _header(dtype, preamble) + r"""
void fw_%(name)s(long fw_start, long fw_stop, long fw_n, %(args)s)
{
	(void)fw_n;
	#pragma omp parallel for simd if(parallel: fw_stop - fw_start > %(threshold)d) schedule(static)
	for (long i = fw_start; i < fw_stop; i++)
	{
		%(operation)s;
	}
}
""" % dict(name=name, args=formatArgs(args), operation=operation, threshold=PARALLEL_THRESHOLD)
		super().__init__(args, name, source, [])


	def __call__(self, values, start, stop):
		self.fn(start, stop, values[self.firstVector].size, *self.convert(values))


class ReductionKernel(_CpuKernel):
	def __init__(self, args, dtypeOut, neutral, reduceExpr, mapExpr, name, preamble, dtype):
		self.dtypeOut = np.dtype(dtypeOut)
		outType = ctypeOf(self.dtypeOut)

		# Each thread reduces one contiguous chunk; partials are combined in thread
		# order, so a run is bit-reproducible for a given thread count.
		source = _header(dtype, preamble) + r"""
typedef %(out)s fw_out_t;
static inline fw_out_t fw_reduce(fw_out_t a, fw_out_t b) { return (%(reduce)s); }

void fw_%(name)s(long fw_start, long fw_stop, long fw_n, fw_out_t *fw_result, %(args)s)
{
	(void)fw_n;
	int fw_teams = fw_stop - fw_start > %(threshold)d ? omp_get_max_threads() : 1;
	fw_out_t fw_partial[fw_teams];
	for (int fw_t = 0; fw_t < fw_teams; fw_t++) fw_partial[fw_t] = (%(neutral)s);

	#pragma omp parallel num_threads(fw_teams)
	{
		int fw_t = omp_get_thread_num(), fw_nt = omp_get_num_threads();
		long fw_chunk = (fw_stop - fw_start + fw_nt - 1) / fw_nt;
		long fw_lo = fw_start + fw_t * fw_chunk, fw_hi = fw_lo + fw_chunk < fw_stop ? fw_lo + fw_chunk : fw_stop;
		fw_out_t fw_acc = (%(neutral)s);
		for (long i = fw_lo; i < fw_hi; i++) fw_acc = fw_reduce(fw_acc, (%(map)s));
		fw_partial[fw_t] = fw_acc;
	}

	fw_out_t fw_acc = (%(neutral)s);
	for (int fw_t = 0; fw_t < fw_teams; fw_t++) fw_acc = fw_reduce(fw_acc, fw_partial[fw_t]);
	*fw_result = fw_acc;
}
""" % dict(
			name=name, args=formatArgs(args), out=outType, reduce=reduceExpr,
			map=mapExpr, neutral=neutral, threshold=PARALLEL_THRESHOLD
		)
		super().__init__(args, name, source, [ctypes.c_void_p])


	def __call__(self, values, start, stop):
		result = Array(np.empty((), dtype=self.dtypeOut))
		self.fn(start, stop, values[self.firstVector].size, result.ptr, *self.convert(values))
		return result
