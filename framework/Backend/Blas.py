"""Matrix products on the active backend (cuBLAS through scikit-cuda, or numpy), row-major.

Every function computes out = alpha * op(...) + beta * out and returns out;
without out a new array is allocated (and beta must be 0).
"""
from framework.Backend import gpuarray, impl


def _check(fn, **arrays):
	dtype = None
	for name, ary in arrays.items():
		if not gpuarray.isArray(ary):
			raise TypeError("Blas.%s: %s must be a device array, got %s" % (fn, name, type(ary).__name__))
		if ary.dtype.kind != "f":
			raise TypeError("Blas.%s: %s must be float32 or float64, got %s" % (fn, name, ary.dtype))
		if dtype is not None and ary.dtype != dtype:
			raise TypeError("Blas.%s: %s has dtype %s, expected %s like the others" % (fn, name, ary.dtype, dtype))
		dtype = ary.dtype


def _output(fn, out, shape, dtype, beta):
	if out is None:
		if beta != 0:
			raise ValueError("Blas.%s: beta=%s needs an out array to accumulate into" % (fn, beta))
		return gpuarray.empty(shape, dtype)

	if out.shape != shape:
		raise ValueError("Blas.%s: out must have shape %s, got %s" % (fn, shape, out.shape))
	return out


def gemm(A, B, out=None, transpA=False, transpB=False, alpha=1.0, beta=0.0):
	"""out = alpha * op(A) @ op(B) + beta * out, where op transposes when asked."""
	if A.ndim != 2 or B.ndim != 2:
		raise ValueError("Blas.gemm: A and B must be matrices, got shapes %s and %s" % (A.shape, B.shape))

	m, k = A.shape[::-1] if transpA else A.shape
	kB, n = B.shape[::-1] if transpB else B.shape
	if k != kB:
		raise ValueError("Blas.gemm: inner dimensions differ: op(A) is %s, op(B) is %s" % ((m, k), (kB, n)))

	if out is not None:
		_check("gemm", A=A, B=B, out=out)
	else:
		_check("gemm", A=A, B=B)

	out = _output("gemm", out, (m, n), A.dtype, beta)
	impl().gemm(A, B, out, bool(transpA), bool(transpB), float(alpha), float(beta))
	return out


def gemv(A, x, out=None, transpA=False, alpha=1.0, beta=0.0):
	"""out = alpha * op(A) @ x + beta * out for a matrix A and a vector x."""
	if A.ndim != 2 or x.ndim != 1:
		raise ValueError("Blas.gemv: expected a matrix and a vector, got shapes %s and %s" % (A.shape, x.shape))

	m, k = A.shape[::-1] if transpA else A.shape
	if x.shape[0] != k:
		raise ValueError("Blas.gemv: op(A) is %s but x has %d elements" % ((m, k), x.shape[0]))

	_check("gemv", A=A, x=x, **({} if out is None else {"out": out}))
	out = _output("gemv", out, (m, ), A.dtype, beta)
	impl().gemv(A, x, out, bool(transpA), float(alpha), float(beta))
	return out


def sumOnMatrix(A, out=None, cols=True, alpha=1.0, beta=0.0):
	"""Sums a matrix down its rows (cols=True: one value per column) or along them (cols=False)."""
	if A.ndim != 2:
		raise ValueError("Blas.sumOnMatrix: expected a matrix, got shape %s" % (A.shape, ))

	_check("sumOnMatrix", A=A, **({} if out is None else {"out": out}))
	out = _output("sumOnMatrix", out, (A.shape[1] if cols else A.shape[0], ), A.dtype, beta)
	impl().sumOnMatrix(A, out, bool(cols), float(alpha), float(beta))
	return out
