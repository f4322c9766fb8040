"""Matrix products on the active backend (cuBLAS through scikit-cuda, or numpy), row-major.

Every function computes out = alpha * op(...) + beta * out and returns out;
without out a new array is allocated (and beta must be 0).
"""
from framework.Backend import gpuarray, impl
from framework.Backend.Kernels import ElementwiseKernel


# For the backends whose gemm cannot add the bias itself (cuBLAS; OpenBLAS on the CPU for the largest products).
_addBias = ElementwiseKernel("T *y, const T *b, long cols", "y[i] += b[i % cols]", "gemmAddBias")


def _check(fn, names, *arrays):
	"""Each array (None: absent) is a device array, and all share one float dtype; names label them in errors."""
	arrayType, dtype = impl().ArrayType, None
	for name, ary in zip(names, arrays):
		if ary is None:
			continue
		if not isinstance(ary, arrayType):
			raise TypeError("Blas.%s: %s must be a device array, got %s" % (fn, name, type(ary).__name__))
		if dtype is None:
			if ary.dtype.kind != "f":
				raise TypeError("Blas.%s: %s must be float32 or float64, got %s" % (fn, name, ary.dtype))
			dtype = ary.dtype
		elif ary.dtype != dtype:
			raise TypeError("Blas.%s: %s has dtype %s, expected %s like the others" % (fn, name, ary.dtype, dtype))


def _output(fn, out, shape, dtype, beta):
	if out is None:
		if beta != 0:
			raise ValueError("Blas.%s: beta=%s needs an out array to accumulate into" % (fn, beta))
		return gpuarray.empty(shape, dtype)

	if out.shape != shape:
		raise ValueError("Blas.%s: out must have shape %s, got %s" % (fn, shape, out.shape))
	return out


def gemm(A, B, out=None, transpA=False, transpB=False, alpha=1.0, beta=0.0, bias=None):
	"""out = alpha * op(A) @ op(B) + beta * out (+ bias on every row), where op transposes when asked.

	bias, a vector with one value per column of out, is what a layer adds after its product: the CPU kernel adds
	it while it writes out, other paths in one more pass.
	"""
	if A.ndim != 2 or B.ndim != 2:
		raise ValueError("Blas.gemm: A and B must be matrices, got shapes %s and %s" % (A.shape, B.shape))

	m, k = A.shape[::-1] if transpA else A.shape
	kB, n = B.shape[::-1] if transpB else B.shape
	if k != kB:
		raise ValueError("Blas.gemm: inner dimensions differ: op(A) is %s, op(B) is %s" % ((m, k), (kB, n)))

	_check("gemm", ("A", "B", "out", "bias"), A, B, out, bias)
	if bias is not None and bias.shape != (n, ):
		raise ValueError("Blas.gemm: bias must have shape %s (one value per column of out), got %s" % ((n, ), bias.shape))

	out = _output("gemm", out, (m, n), A.dtype, beta)
	left = impl().gemm(A, B, out, bool(transpA), bool(transpB), float(alpha), float(beta), bias)
	if left is not None and out.size > 0:
		_addBias(out, left, n)
	return out


def gemv(A, x, out=None, transpA=False, alpha=1.0, beta=0.0):
	"""out = alpha * op(A) @ x + beta * out for a matrix A and a vector x."""
	if A.ndim != 2 or x.ndim != 1:
		raise ValueError("Blas.gemv: expected a matrix and a vector, got shapes %s and %s" % (A.shape, x.shape))

	m, k = A.shape[::-1] if transpA else A.shape
	if x.shape[0] != k:
		raise ValueError("Blas.gemv: op(A) is %s but x has %d elements" % ((m, k), x.shape[0]))

	_check("gemv", ("A", "x", "out"), A, x, out)
	out = _output("gemv", out, (m, ), A.dtype, beta)
	impl().gemv(A, x, out, bool(transpA), float(alpha), float(beta))
	return out


def sumOnMatrix(A, out=None, cols=True, alpha=1.0, beta=0.0):
	"""Sums a matrix down its rows (cols=True: one value per column) or along them (cols=False)."""
	if A.ndim != 2:
		raise ValueError("Blas.sumOnMatrix: expected a matrix, got shape %s" % (A.shape, ))

	_check("sumOnMatrix", ("A", "out"), A, out)
	out = _output("sumOnMatrix", out, (A.shape[1] if cols else A.shape[0], ), A.dtype, beta)
	impl().sumOnMatrix(A, out, bool(cols), float(alpha), float(beta))
	return out
