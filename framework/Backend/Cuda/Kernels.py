"""CUDA kernels: the same operation handed to PyCUDA's ElementwiseKernel and ReductionKernel.

Both are compiled when they are built (PyCUDA's elementwise kernel would wait for its first call), so a
kernel that nvcc rejects fails where it is built, and a compile-only check (tests/Backend/test_CudaCompile.py)
reaches every source by building the instances.
"""
import numpy as np
import pycuda.gpuarray as pgpu
from pycuda.elementwise import ElementwiseKernel as PyCudaElementwise
from pycuda.reduction import ReductionKernel as PyCudaReduction

from framework.Backend.KernelSource import formatArgs, typedefT


class ElementwiseKernel:
	def __init__(self, args, operation, name, preamble, dtype):
		self.args = args
		self.firstVector = next(k for k, arg in enumerate(args) if arg.isPointer)

		# Always launched over a range (PyCUDA's range kernel); fw_n, the size of the first array, travels as
		# one more argument.
		self.kernel = PyCudaElementwise(formatArgs(args) + ", long fw_n", operation, name, preamble=typedefT(dtype) + preamble)
		self.kernel.generate_stride_kernel_and_types(True)  # compile now (memoized: the range launches reuse it)


	def __call__(self, values, start, stop):
		self.kernel(*values, values[self.firstVector].size, range=slice(start, stop, 1))


class ReductionKernel:
	"""PyCUDA's reduction runs over the whole first array and has no range: the range is made here.

	A leading array argument `fw_extent` (a view of stop - start elements of the first array) sets the item
	count PyCUDA loops over, and the map expression reads item i + fw_start: `fw_map(i)` is the user's
	map expression as a macro of i, so only the index moves, whatever the expression says.
	"""

	def __init__(self, args, dtypeOut, neutral, reduceExpr, mapExpr, name, preamble, dtype):
		self.args, self.dtypeOut, self.neutral = args, np.dtype(dtypeOut), neutral
		self.firstVector = next(k for k, arg in enumerate(args) if arg.isPointer)
		self.kernel = PyCudaReduction(
			dtypeOut, neutral, reduceExpr, "fw_map((i) + fw_start)",
			"const char *fw_extent, " + formatArgs(args) + ", long fw_n, long fw_start", name=name,
			preamble=typedefT(dtype) + preamble + "\n#define fw_map(i) (%s)\n" % mapExpr
		)


	def __call__(self, values, start, stop):
		first = values[self.firstVector]
		if stop == start:  # PyCUDA would launch zero blocks: the reduction of nothing is the neutral element
			return pgpu.to_gpu(np.array(self.neutralValue(), dtype=self.dtypeOut))

		extent = first if (start, stop) == (0, first.size) else first.reshape(first.size)[start:stop]
		return self.kernel(extent, *values, first.size, start)


	def neutralValue(self):
		try:
			return float(self.neutral.strip().rstrip("fF"))
		except ValueError:
			raise ValueError(
				"CUDA reduction over no items: its neutral element %r is not a number the host can evaluate" % self.neutral
			) from None
