"""CPU BLAS, honouring alpha and beta like cuBLAS.

gemm goes straight to the cblas_?gemm of the OpenBLAS that numpy wheels bundle
(numpy.libs/libscipy_openblas64_*), because numpy's matmul cannot accumulate
into its output: beta != 0 there costs a temporary and two more passes, which
made weight-gradient accumulation ~2.5x slower. Where that library is absent
(another numpy build), the numpy path below is used instead.
"""
import ctypes
import glob
import os

import numpy as np

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112


def _loadBundledCblas():
	libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
	for path in sorted(glob.glob(os.path.join(libs, "libscipy_openblas64_*.so"))):
		try:
			lib = ctypes.CDLL(path)
			fns = {np.dtype(np.float32): (lib.scipy_cblas_sgemm64_, ctypes.c_float),
				np.dtype(np.float64): (lib.scipy_cblas_dgemm64_, ctypes.c_double)}
		except (OSError, AttributeError):
			continue

		for fn, scalar in fns.values():
			fn.restype = None
			fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64,
				scalar, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64,
				scalar, ctypes.c_void_p, ctypes.c_int64]
		return fns
	return None


_cblas = _loadBundledCblas()


def _scaleInto(out, product, alpha, beta):
	if beta == 0:  # as in BLAS, out's old contents (even NaN) are ignored when beta is 0
		np.multiply(product, out.dtype.type(alpha), out=out._data) if alpha != 1 else np.copyto(out._data, product)
	else:
		out._data *= out.dtype.type(beta)
		out._data += out.dtype.type(alpha) * product


def gemm(A, B, out, transpA, transpB, alpha, beta):
	m, n = out.shape
	k = A.shape[0] if transpA else A.shape[1]

	if _cblas is not None and m > 0 and n > 0 and k > 0:
		fn, _ = _cblas[A.dtype]
		fn(ROW_MAJOR, TRANS if transpA else NO_TRANS, TRANS if transpB else NO_TRANS, m, n, k,
			alpha, A.ptr, A.shape[1], B.ptr, B.shape[1], beta, out.ptr, n)
		return

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
