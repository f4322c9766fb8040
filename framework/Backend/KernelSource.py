"""Kernel source handling shared by the facade (Backend/Kernels.py), both backends and the CPU compiler.

Everything that turns a kernel declaration into C lives here, once: the table of
C types and their numpy dtypes, argument-list parsing with its reserved names,
the float32/float64 specialisation of generic (`T`) source, and the formatting
of argument lists. This module imports nothing from the framework, so both
implementations can use it without importing the backend facade.

Reserved names. The framework owns every identifier that starts with `fw_`
(`fw_n`, the size of the first array argument, is one of them); an argument
may not use that prefix. The CUDA backend hands kernels to PyCUDA, whose
generated C declares more names in the kernel's own scope: an argument with
one of those names would compile on the CPU and fail with "duplicate
parameter name" under nvcc, so each is refused when the kernel is declared.
"""
import re
from collections import namedtuple

import numpy as np

# One row per dtype: its canonical C spelling first, then the other spellings accepted in argument lists.
# The canonical spellings are builtin types of both C and CUDA (no #include needed) that PyCUDA's argument
# parser knows (it rejects int64_t, long long, size_t): the generated lists always use them. 64-bit Linux (LP64).
_TYPE_TABLE = (
	(np.float32, ("float", )),
	(np.float64, ("double", )),
	(np.int8, ("signed char", "char", "int8_t")),
	(np.uint8, ("unsigned char", "uint8_t")),
	(np.int16, ("short", "int16_t")),
	(np.uint16, ("unsigned short", "uint16_t")),
	(np.int32, ("int", "int32_t")),
	(np.uint32, ("unsigned int", "unsigned", "uint32_t")),
	(np.int64, ("long", "long long", "int64_t", "ptrdiff_t")),
	(np.uint64, ("unsigned long", "unsigned long long", "uint64_t", "size_t")),
)

CTYPES = {spelling: np.dtype(dtype) for dtype, spellings in _TYPE_TABLE for spelling in spellings}
"""C type spelling -> numpy dtype, for every type an argument list may use."""

_CANONICAL = {np.dtype(dtype): spellings[0] for dtype, spellings in _TYPE_TABLE}

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
"""The element types a generic (`T`) kernel is specialised for."""

RESERVED_PREFIX = "fw_"

# Declared by PyCUDA's range elementwise kernel (its parameters start/stop/step and its loop locals).
ELEMENTWISE_RESERVED = frozenset(("i", "start", "stop", "step", "tid", "total_threads", "cta_start"))

# Declared by PyCUDA's reduction kernels (parameters out/seq_count/n, locals, the stage-2 input, its typedef).
REDUCTION_RESERVED = frozenset(("i", "n", "out", "seq_count", "sdata", "tid", "acc", "out_type", "pycuda_reduction_inp"))

Arg = namedtuple("Arg", ["name", "ctype", "dtype", "isPointer", "isConst"])

_DECLARATION = re.compile(r"(const\s+)?([A-Za-z_][\w ]*?)\s*(\*?)\s*(?:__restrict__\s+|restrict\s+)?([A-Za-z_]\w*)")
_FLOAT_LITERAL = re.compile(r"(?<![\w.])((?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)([fF]?)(?![\w.])")
_FLOAT_MATH = re.compile(
	r"\b(sqrt|rsqrt|exp|expm1|log|log1p|fabs|fmax|fmin|copysign|tanh|pow|erf|floor|ceil|sin|cos|atan|round)f(\s*\()"
)


def ctypeOf(dtype):
	"""The C spelling of a numpy dtype ('float', 'double', 'int', 'long long', ...)."""
	try:
		return _CANONICAL[np.dtype(dtype)]
	except KeyError:
		raise TypeError("kernel source: no C type for dtype %s" % (np.dtype(dtype), )) from None


def typedefT(dtype):
	"""The line that makes `T` the element type of a generic kernel instance ('' for a non-generic one)."""
	return "" if dtype is None else "typedef %s T;\n" % ctypeOf(dtype)


def parseArguments(arguments, kernelName, reserved=ELEMENTWISE_RESERVED):
	"""Parses 'float *x, const T *y, int k' into Args; T is kept as a placeholder type.

	Refuses names the backends declare themselves (`reserved`, and the `fw_` prefix) with a ValueError.
	"""
	args = []
	for decl in (part.strip() for part in arguments.split(",")):
		if not decl:
			raise ValueError("kernel %s: empty declaration in argument list %r" % (kernelName, arguments))

		m = _DECLARATION.fullmatch(decl)
		if m is None:
			raise ValueError("kernel %s: cannot parse argument %r" % (kernelName, decl))

		isConst, ctype, star, name = bool(m.group(1)), " ".join(m.group(2).split()), m.group(3), m.group(4)
		if ctype != "T" and ctype not in CTYPES:
			raise ValueError("kernel %s: argument %r has unsupported type %r" % (kernelName, name, ctype))

		if name in reserved or name.startswith(RESERVED_PREFIX):
			raise ValueError(
				"kernel %s: argument name %r is reserved (the CUDA backend's generated code declares %s, and names "
				"starting with %r belong to the framework); rename the argument" % (
					kernelName, name, ", ".join(sorted(reserved)), RESERVED_PREFIX
				)
			)

		args.append(Arg(name, ctype, None if ctype == "T" else CTYPES[ctype], bool(star), isConst))

	if len({arg.name for arg in args}) != len(args):
		raise ValueError("kernel %s: duplicate argument names in %r" % (kernelName, arguments))
	return args


def specialize(source, dtype):
	"""Rewrites generic source for one element type.

	float32: plain literals get an `f` (`0.5` -> `0.5f`) so the arithmetic stays in single precision;
	float64: the float spellings of math functions lose theirs (`sqrtf` -> `sqrt`) for full precision.
	"""
	if np.dtype(dtype) == np.float32:
		return _FLOAT_LITERAL.sub(lambda m: m.group(1) + "f", source)
	return _FLOAT_MATH.sub(r"\1\2", _FLOAT_LITERAL.sub(lambda m: m.group(1), source))


def resolveArgs(args, dtype):
	"""The Args of one instance: every `T` replaced by dtype's C type."""
	if dtype is None:
		return list(args)
	ctype, dtype = ctypeOf(dtype), np.dtype(dtype)
	return [arg._replace(ctype=ctype, dtype=dtype) if arg.ctype == "T" else arg for arg in args]


def formatArgs(args):
	"""Args back to a C parameter list, every type in its canonical spelling (T stays T in a generic declaration)."""
	return ", ".join("%s%s %s%s" % (
		"const " if a.isConst else "", a.ctype if a.dtype is None else ctypeOf(a.dtype), "*" if a.isPointer else "", a.name
	) for a in args)


def indexedByI(args, *sources):
	"""Positions of the array arguments read or written as `name[i]` in sources: each must hold the launch's items."""
	text = "\n".join(sources)
	return tuple(
		k for k, arg in enumerate(args) if arg.isPointer and re.search(r"\b%s\s*\[\s*i\s*\]" % re.escape(arg.name), text)
	)
