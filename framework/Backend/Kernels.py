"""Elementwise and reduction kernels written once in C, run by either backend.

A kernel is declared as in PyCUDA: a C argument list and a C operation over
index `i` (and `n`, the size of the first array argument). Writing `T` instead
of a concrete type makes the kernel generic: it is specialised for the dtype of
the first `T *` array it is called with and memoized per dtype.

Inside generic kernels write the float spellings of math functions (`sqrtf`,
`expf`, ...) and plain literals (`0.5`): the float32 instance gets `0.5f` so the
arithmetic stays in single precision (and vectorises), the float64 instance maps
`sqrtf` to `sqrt` so gradient checks get full precision.
"""
import numbers
import re
from collections import namedtuple

import numpy as np

from framework.Backend import gpuarray, impl

CTYPES = {
	"float": np.float32, "double": np.float64,
	"char": np.int8, "signed char": np.int8, "unsigned char": np.uint8,
	"short": np.int16, "unsigned short": np.uint16,
	"int": np.int32, "unsigned": np.uint32, "unsigned int": np.uint32,
	"long": np.int64, "long long": np.int64, "unsigned long": np.uint64, "unsigned long long": np.uint64,
	"size_t": np.uint64, "ptrdiff_t": np.int64,
	"int8_t": np.int8, "uint8_t": np.uint8, "int32_t": np.int32, "uint32_t": np.uint32,
	"int64_t": np.int64, "uint64_t": np.uint64,
}

DTYPE_CTYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}

Arg = namedtuple("Arg", ["name", "ctype", "dtype", "isPointer", "isConst"])

_FLOAT_LITERAL = re.compile(r"(?<![\w.])((?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)([fF]?)(?![\w.])")
_FLOAT_MATH = re.compile(
	r"\b(sqrt|rsqrt|exp|expm1|log|log1p|fabs|fmax|fmin|copysign|tanh|pow|erf|floor|ceil|sin|cos|atan|round)f(\s*\()"
)
_GENERIC = re.compile(r"\bT\b")


def parseArguments(arguments, kernelName):
	"""Parses 'float *x, const T *y, int n' into Args; T is kept as a placeholder type."""
	args = []
	for decl in (part.strip() for part in arguments.split(",")):
		if not decl:
			raise ValueError("kernel %s: empty declaration in argument list %r" % (kernelName, arguments))

		m = re.fullmatch(r"(const\s+)?([A-Za-z_][\w ]*?)\s*(\*?)\s*(?:__restrict__\s+|restrict\s+)?([A-Za-z_]\w*)", decl)
		if m is None:
			raise ValueError("kernel %s: cannot parse argument %r" % (kernelName, decl))

		isConst, ctype, star, name = bool(m.group(1)), " ".join(m.group(2).split()), m.group(3), m.group(4)
		if ctype != "T" and ctype not in CTYPES:
			raise ValueError("kernel %s: argument %r has unsupported type %r" % (kernelName, name, ctype))

		dtype = None if ctype == "T" else np.dtype(CTYPES[ctype])
		args.append(Arg(name, ctype, dtype, bool(star), isConst))

	if len({arg.name for arg in args}) != len(args):
		raise ValueError("kernel %s: duplicate argument names in %r" % (kernelName, arguments))
	return args


def specialize(source, dtype):
	"""Rewrites generic source for one element type (see the module docstring)."""
	if np.dtype(dtype) == np.float32:
		return _FLOAT_LITERAL.sub(lambda m: m.group(1) + "f", source)
	return _FLOAT_MATH.sub(r"\1\2", _FLOAT_LITERAL.sub(lambda m: m.group(1), source))


def resolveArgs(args, dtype):
	ctype = DTYPE_CTYPES[np.dtype(dtype)] if dtype is not None else None
	return [arg._replace(ctype=ctype, dtype=np.dtype(dtype)) if arg.ctype == "T" else arg for arg in args]


def formatArgs(args):
	return ", ".join("%s%s %s%s" % ("const " if a.isConst else "", a.ctype, "*" if a.isPointer else "", a.name) for a in args)


class _Kernel:
	"""Shared part of both kernel kinds: parsing, the dtype dispatch and the memo of instances."""

	def __init__(self, arguments, name, preamble):
		if not re.fullmatch(r"[A-Za-z_]\w*", name):
			raise ValueError("kernel name must be a C identifier, got %r" % (name, ))

		self.name, self.preamble = name, preamble
		self.args = parseArguments(arguments, name)
		self.generic = any(arg.ctype == "T" for arg in self.args)

		self.typeArg = next((k for k, arg in enumerate(self.args) if arg.ctype == "T" and arg.isPointer), None)
		if self.generic and self.typeArg is None:
			raise ValueError("kernel %s: a generic kernel needs at least one 'T *' array argument" % name)

		self.vectorArgs = [k for k, arg in enumerate(self.args) if arg.isPointer]
		if not self.vectorArgs:
			raise ValueError("kernel %s: needs at least one array argument" % name)

		self.instances = {}


	def instanceFor(self, args):
		if len(args) != len(self.args):
			raise TypeError("kernel %s: expected %d arguments (%s), got %d" % (
				self.name, len(self.args), ", ".join(a.name for a in self.args), len(args)
			))

		dtype = None
		if self.generic:
			ary = args[self.typeArg]
			dtype = getattr(ary, "dtype", None)
			if dtype not in DTYPE_CTYPES:
				raise TypeError("kernel %s: argument %r must be a float32 or float64 array, got %s" % (
					self.name, self.args[self.typeArg].name, dtype if dtype is not None else type(ary).__name__
				))

		instance = self.instances.get(dtype)
		if instance is None:
			instance = self.build(resolveArgs(self.args, dtype), dtype)
			self.instances[dtype] = instance

		return instance


	def validate(self, instance, values, range):
		"""Type-checks every argument against the declaration; returns the (start, stop) range to run."""
		arrayType = gpuarray.GPUArrayType()
		for arg, value in zip(instance.args, values):
			if arg.isPointer:
				if type(value) is not arrayType and not isinstance(value, arrayType):
					raise TypeError("kernel %s: argument %r must be a device array, got %s" % (self.name, arg.name, type(value).__name__))
				if value.dtype != arg.dtype:
					raise TypeError("kernel %s: argument %r must have dtype %s, got %s" % (self.name, arg.name, arg.dtype, value.dtype))
			elif type(value) not in (int, float) and (  # the plain Python numbers, the common case, skip the slow checks
					not isinstance(value, (numbers.Number, np.generic)) or isinstance(value, (bool, np.bool_, complex))):
				raise TypeError("kernel %s: argument %r must be a scalar %s, got %s" % (self.name, arg.name, arg.dtype, type(value).__name__))
			elif arg.dtype.kind in "iu" and not float(value).is_integer():
				raise TypeError("kernel %s: argument %r must be an integer, got %r" % (self.name, arg.name, value))

		return checkRange(self.name, values[self.vectorArgs[0]].size, range)


	def source(self, text, dtype):
		return specialize(text, dtype) if self.generic else text


	def build(self, args, dtype):
		raise NotImplementedError


class ElementwiseKernel(_Kernel):
	"""ElementwiseKernel(arguments, operation, name, preamble=""): call with the arguments, optional range=slice(a, b)."""

	def __init__(self, arguments, operation, name="kernel", preamble=""):
		super().__init__(arguments, name, preamble)
		self.operation = operation


	def build(self, args, dtype):
		return impl().buildElementwise(
			args, self.source(self.operation, dtype), self.name, self.source(self.preamble, dtype), dtype
		)


	def __call__(self, *args, range=None):
		instance = self.instanceFor(args)
		start, stop = self.validate(instance, args, range)
		if stop > start:
			instance(args, start, stop)


class ReductionKernel(_Kernel):
	"""ReductionKernel(dtype_out, neutral, reduce_expr, map_expr, arguments, name, preamble).

	As in PyCUDA: map_expr is evaluated at every index i, reduce_expr combines `a` and `b`.
	dtype_out may be "T" (the element type of a generic kernel). Returns a 0-d array on the device.
	"""

	def __init__(self, dtype_out, neutral, reduce_expr, map_expr, arguments, name="reduce_kernel", preamble=""):
		super().__init__(arguments, name, preamble)
		self.dtypeOut = dtype_out if dtype_out == "T" else np.dtype(dtype_out)
		if self.dtypeOut == "T" and not self.generic:
			raise ValueError("kernel %s: dtype_out 'T' needs a generic (T) argument list" % name)

		if self.dtypeOut != "T" and self.dtypeOut not in DTYPE_CTYPES and self.dtypeOut not in map(np.dtype, CTYPES.values()):
			raise ValueError("kernel %s: unsupported dtype_out %s" % (name, dtype_out))

		self.neutral, self.reduceExpr, self.mapExpr = str(neutral), reduce_expr, map_expr


	def build(self, args, dtype):
		dtypeOut = np.dtype(dtype) if self.dtypeOut == "T" else self.dtypeOut
		return impl().buildReduction(
			args, dtypeOut, self.source(self.neutral, dtype), self.source(self.reduceExpr, dtype),
			self.source(self.mapExpr, dtype), self.name, self.source(self.preamble, dtype), dtype
		)


	def __call__(self, *args, range=None):
		instance = self.instanceFor(args)
		start, stop = self.validate(instance, args, range)
		return instance(args, start, stop)


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
