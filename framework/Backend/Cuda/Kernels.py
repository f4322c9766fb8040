"""CUDA kernels: the same operation handed to PyCUDA's ElementwiseKernel and ReductionKernel."""
import numpy as np
from pycuda.elementwise import ElementwiseKernel as PyCudaElementwise
from pycuda.reduction import ReductionKernel as PyCudaReduction

from framework.Backend.Kernels import formatArgs


def _header(dtype, preamble):
	typedef = "typedef %s T;\n" % ("float" if np.dtype(dtype) == np.float32 else "double") if dtype is not None else ""
	return typedef + preamble


class ElementwiseKernel:
	def __init__(self, args, operation, name, preamble, dtype):
		self.args = args
		self.firstVector = next(k for k, arg in enumerate(args) if arg.isPointer)

		# Always launched over a range; PyCUDA's range kernel does not define n,
		# so it travels as one more argument and the loop prologue names it.
		self.kernel = PyCudaElementwise(
			formatArgs(args) + ", long fw_n", operation, name, preamble=_header(dtype, preamble),
			loop_prep="const long n = fw_n"
		)


	def __call__(self, values, start, stop):
		self.kernel(*values, values[self.firstVector].size, range=slice(start, stop, 1))


class ReductionKernel:
	def __init__(self, args, dtypeOut, neutral, reduceExpr, mapExpr, name, preamble, dtype):
		self.args = args
		self.firstVector = next(k for k, arg in enumerate(args) if arg.isPointer)
		self.kernel = PyCudaReduction(
			dtypeOut, neutral, reduceExpr, mapExpr, formatArgs(args), name=name, preamble=_header(dtype, preamble)
		)


	def __call__(self, values, start, stop):
		if (start, stop) == (0, values[self.firstVector].size):
			return self.kernel(*values)
		return self.kernel(*values, range=slice(start, stop, 1))
