"""Elementwise and reduction kernels written once in C, run by either backend.

A kernel is declared as in PyCUDA: a C argument list and a C operation over
index `i` (and `fw_n`, the size of the first array argument; names starting
with `fw_` belong to the framework). Writing `T` instead of a concrete type
makes the kernel generic: it is specialised for the dtype of the first `T *`
array it is called with and memoized per dtype.

Inside generic kernels write the float spellings of math functions (`sqrtf`,
`expf`, ...) and plain literals (`0.5`): the float32 instance gets `0.5f` so the
arithmetic stays in single precision (and vectorises), the float64 instance maps
`sqrtf` to `sqrt` so gradient checks get full precision.

Every declaration registers itself (`declaredKernels()`), so a check can build
every kernel the program can run; a kernel with options declares each variant
at import (as RMSProp's and Rprop's tables do) rather than on first use.
"""
import numbers
import sys
from collections import namedtuple

import numpy as np

from framework.Backend import gpuarray, impl
from framework.Backend.KernelSource import (
	CTYPES, ELEMENTWISE_RESERVED, FLOAT_DTYPES, REDUCTION_RESERVED, indexedByI, parseArguments, resolveArgs, specialize
)

_declared = []


def declaredKernels():
	"""Every ElementwiseKernel and ReductionKernel declared so far, in declaration order."""
	return tuple(_declared)


# What a call checks, worked out once per instance: arrays (position, name, dtype), integer scalars
# (position, name, dtype, lowest, highest), float scalars (position, name, dtype), and the positions of the
# arrays indexed as `x[i]`, which must hold every item of the launch.
_Plan = namedtuple("_Plan", ["run", "arrays", "integers", "floats", "indexed"])


class _Kernel:
	"""Shared part of both kernel kinds: parsing, the dtype dispatch, the memo of instances and the call checks."""

	def __init__(self, arguments, name, preamble, reserved):
		if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
			raise ValueError("kernel name must be a C identifier, got %r" % (name, ))

		self.name, self.preamble = name, preamble
		self.args = parseArguments(arguments, name, reserved)
		self.generic = any(arg.ctype == "T" for arg in self.args)

		self.typeArg = next((k for k, arg in enumerate(self.args) if arg.ctype == "T" and arg.isPointer), None)
		if self.generic and self.typeArg is None:
			raise ValueError("kernel %s: a generic kernel needs at least one 'T *' array argument" % name)

		self.vectorArgs = [k for k, arg in enumerate(self.args) if arg.isPointer]
		if not self.vectorArgs:
			raise ValueError("kernel %s: needs at least one array argument" % name)

		self.instances = {}
		self.checkDeclaration()

		# The module that declared the kernel (the first caller outside this file), for checks over every kernel.
		frame = sys._getframe(1)
		while frame.f_globals.get("__name__") == __name__:
			frame = frame.f_back
		self.module = frame.f_globals.get("__name__")
		_declared.append(self)


	def checkDeclaration(self):
		"""Further checks of one kind of kernel, before it is registered."""


	def dtypes(self):
		"""The element types this kernel can be instantiated for (None: a non-generic kernel's only instance)."""
		return FLOAT_DTYPES if self.generic else (None, )


	def instanceFor(self, args):
		if len(args) != len(self.args):
			raise TypeError("kernel %s: expected %d arguments (%s), got %d" % (
				self.name, len(self.args), ", ".join(a.name for a in self.args), len(args)
			))

		dtype = None
		if self.generic:
			ary = args[self.typeArg]
			dtype = getattr(ary, "dtype", None)
			if dtype not in FLOAT_DTYPES:
				raise TypeError("kernel %s: argument %r must be a float32 or float64 array, got %s" % (
					self.name, self.args[self.typeArg].name, dtype if dtype is not None else type(ary).__name__
				))

		plan = self.instances.get(dtype)
		if plan is None:
			plan = self.instances[dtype] = self.plan(impl(), dtype)
		return plan


	def build(self, backend, dtype):
		"""The instance for dtype (None for a non-generic kernel) built by backend, an implementation package.

		At run time backend is impl(); the CUDA compile check passes framework.Backend.Cuda on a machine without a GPU.
		"""
		return self.instantiate(backend, resolveArgs(self.args, dtype), dtype)


	def plan(self, backend, dtype):
		"""Builds the instance for dtype with backend and works out the checks of its calls."""
		args = resolveArgs(self.args, dtype)
		arrays, integers, floats = [], [], []
		for k, arg in enumerate(args):
			if arg.isPointer:
				arrays.append((k, arg.name, arg.dtype))
			elif arg.dtype.kind in "iu":
				info = np.iinfo(arg.dtype)
				integers.append((k, arg.name, arg.dtype, int(info.min), int(info.max)))
			else:
				floats.append((k, arg.name, arg.dtype))

		indexed = indexedByI(args, *self.sources())
		return _Plan(self.build(backend, dtype), tuple(arrays), tuple(integers), tuple(floats), indexed)


	def validate(self, plan, values, range):
		"""Checks every argument against the declaration; returns the (start, stop) range to run.

		The common case (device arrays of the right dtype, plain Python numbers in range) costs one type test
		and one comparison per argument; anything else takes the slow path, which explains what is wrong.
		"""
		arrayType = gpuarray.GPUArrayType()
		for k, name, dtype in plan.arrays:
			value = values[k]
			if type(value) is not arrayType and not isinstance(value, arrayType):
				raise TypeError("kernel %s: argument %r must be a device array, got %s" % (self.name, name, type(value).__name__))
			if value.dtype != dtype:
				raise TypeError("kernel %s: argument %r must have dtype %s, got %s" % (self.name, name, dtype, value.dtype))

		for k, name, dtype, low, high in plan.integers:
			value = values[k]
			if type(value) is not int or not low <= value <= high:
				self.checkInteger(name, dtype, low, high, value)

		for k, name, dtype in plan.floats:
			value = values[k]
			if type(value) is not float and type(value) is not int:
				self.checkNumber(name, dtype, value)

		start, stop = checkRange(self.name, values[self.vectorArgs[0]].size, range)
		for k in plan.indexed:
			if values[k].size < stop:
				raise ValueError(
					"kernel %s: argument %r (read as %s[i]) has %d elements, but the launch covers items %d:%d" % (
						self.name, self.args[k].name, self.args[k].name, values[k].size, start, stop
					)
				)
		return start, stop


	def checkNumber(self, name, dtype, value):
		if not isinstance(value, (numbers.Number, np.generic)) or isinstance(value, (bool, np.bool_, complex, np.complexfloating)):
			raise TypeError("kernel %s: argument %r must be a scalar %s, got %s" % (self.name, name, dtype, type(value).__name__))


	def checkInteger(self, name, dtype, low, high, value):
		"""The slow path of an integer argument: an integral number within the C type's range, else a clear error."""
		# A float, even 3.0, is refused: neither ctypes nor PyCUDA's argument packing converts it to a C integer.
		if not isinstance(value, (numbers.Integral, np.integer)) or isinstance(value, (bool, np.bool_)):
			raise TypeError("kernel %s: argument %r must be an integer (%s), got %r" % (self.name, name, dtype, value))
		value = int(value)

		if not low <= value <= high:
			raise ValueError("kernel %s: argument %r (%s) must be within [%d, %d], got %d; it would wrap in C" % (
				self.name, name, dtype, low, high, value
			))


	def source(self, text, dtype):
		return specialize(text, dtype) if self.generic else text


	def sources(self):
		"""The C snippets of the declaration (preamble, operation or expressions), for checks over the source."""
		raise NotImplementedError


	def instantiate(self, backend, args, dtype):
		"""The backend's instance for one dtype; `backend` is an implementation package (impl() at run time)."""
		raise NotImplementedError


class ElementwiseKernel(_Kernel):
	"""ElementwiseKernel(arguments, operation, name, preamble=""): call with the arguments, optional range=slice(a, b)."""

	def __init__(self, arguments, operation, name="kernel", preamble=""):
		self.operation = operation
		super().__init__(arguments, name, preamble, ELEMENTWISE_RESERVED)


	def sources(self):
		return self.preamble, self.operation


	def instantiate(self, backend, args, dtype):
		return backend.buildElementwise(
			args, self.source(self.operation, dtype), self.name, self.source(self.preamble, dtype), dtype
		)


	def __call__(self, *args, range=None):
		plan = self.instanceFor(args)
		start, stop = self.validate(plan, args, range)
		if stop > start:
			plan.run(args, start, stop)


class ReductionKernel(_Kernel):
	"""ReductionKernel(dtype_out, neutral, reduce_expr, map_expr, arguments, name, preamble).

	As in PyCUDA: map_expr is evaluated at every index i, reduce_expr combines `a` and `b`.
	dtype_out may be "T" (the element type of a generic kernel). Returns a 0-d array on the device.
	"""

	def __init__(self, dtype_out, neutral, reduce_expr, map_expr, arguments, name="reduce_kernel", preamble=""):
		self.neutral, self.reduceExpr, self.mapExpr = str(neutral), reduce_expr, map_expr
		self.dtypeOut = "T" if isinstance(dtype_out, str) and dtype_out == "T" else np.dtype(dtype_out)
		super().__init__(arguments, name, preamble, REDUCTION_RESERVED)


	def checkDeclaration(self):
		if isinstance(self.dtypeOut, str) and not self.generic:
			raise ValueError("kernel %s: dtype_out 'T' needs a generic (T) argument list" % self.name)

		if not isinstance(self.dtypeOut, str) and self.dtypeOut not in CTYPES.values():
			raise ValueError("kernel %s: unsupported dtype_out %s" % (self.name, self.dtypeOut))


	def sources(self):
		return self.preamble, self.mapExpr


	def instantiate(self, backend, args, dtype):
		dtypeOut = np.dtype(dtype) if isinstance(self.dtypeOut, str) else self.dtypeOut
		return backend.buildReduction(
			args, dtypeOut, self.source(self.neutral, dtype), self.source(self.reduceExpr, dtype),
			self.source(self.mapExpr, dtype), self.name, self.source(self.preamble, dtype), dtype
		)


	def __call__(self, *args, range=None):
		plan = self.instanceFor(args)
		start, stop = self.validate(plan, args, range)
		return plan.run(args, start, stop)


def checkRange(kernelName, size, range):
	"""Turns range (a slice or None) into (start, stop) within [0, size], or raises."""
	if range is None:
		return 0, size

	if not isinstance(range, slice) or (range.step not in (None, 1)):
		raise TypeError("kernel %s: range must be a slice with step 1, got %r" % (kernelName, range))

	start = 0 if range.start is None else range.start
	stop = size if range.stop is None else range.stop
	if not (0 <= start <= stop <= size):
		raise ValueError("kernel %s: range %d:%d outside the first array (size %d)" % (kernelName, start, stop, size))

	return start, stop
