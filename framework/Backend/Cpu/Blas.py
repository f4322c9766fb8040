"""CPU BLAS through numpy (its bundled OpenBLAS), honouring alpha and beta like cuBLAS."""
import numpy as np


def _scaleInto(out, product, alpha, beta):
	if beta == 0:  # as in BLAS, out's old contents (even NaN) are ignored when beta is 0
		np.multiply(product, out.dtype.type(alpha), out=out._data) if alpha != 1 else np.copyto(out._data, product)
	else:
		out._data *= out.dtype.type(beta)
		out._data += out.dtype.type(alpha) * product


def gemm(A, B, out, transpA, transpB, alpha, beta):
	a = A._data.T if transpA else A._data
	b = B._data.T if transpB else B._data
	if beta == 0 and alpha == 1:
		np.matmul(a, b, out=out._data)
	else:
		_scaleInto(out, a @ b, alpha, beta)


def gemv(A, x, out, transpA, alpha, beta):
	a = A._data.T if transpA else A._data
	_scaleInto(out, a @ x._data, alpha, beta)


def sumOnMatrix(A, out, cols, alpha, beta):
	_scaleInto(out, A._data.sum(axis=0 if cols else 1, dtype=A.dtype), alpha, beta)
