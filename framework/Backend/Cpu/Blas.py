"""CPU BLAS, honouring alpha and beta like cuBLAS.

gemm runs our own kernel (Gemm.py, Gemm.c) for products up to Gemm.OWN_GEMM_MACS multiply-adds, the sizes of a
layer's step, where bench/gemm.py shows it faster than OpenBLAS. Bigger products go to OpenBLAS's cblas_?gemm,
which accumulates into its output (numpy's matmul cannot: beta != 0 there costs a temporary and two more passes).
OpenBLAS is reached through the scipy-openblas64 package (`pip install 'framework[blas]'`): the OpenBLAS build
numpy's own wheels are made from, published for other packages to call, with a documented way to find it
(get_lib_dir, get_library, and the symbol prefix and suffix in get_pkg_config). Without that package, numpy's
matmul takes the big products.
"""
import ctypes
import os
import re

import numpy as np

from framework.Backend.Cpu import Compiler, Gemm
from framework.Backend.Cpu.Kernels import PARALLEL_THRESHOLD

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112


def _loadOpenBlas():
	"""{dtype: cblas_?gemm} of scipy-openblas64's library, its set_num_threads and its path; Nones without the package."""
	try:
		import scipy_openblas64 as package
	except ImportError:
		return None, None, None

	# Its symbols carry a prefix and suffix (scipy_cblas_sgemm64_) so they never clash with another BLAS in the process
	config = package.get_pkg_config()
	prefix = re.search(r"-DBLAS_SYMBOL_PREFIX=(\w*)", config)
	suffix = re.search(r"-DBLAS_SYMBOL_SUFFIX=(\w*)", config)
	name = lambda symbol: "%s%s%s" % (prefix.group(1) if prefix else "", symbol, suffix.group(1) if suffix else "")  # noqa: E731
	path = os.path.join(package.get_lib_dir(), package.get_library(fullname=True))
	try:
		lib = ctypes.CDLL(path)
		fns = {np.dtype(np.float32): getattr(lib, name("cblas_sgemm")), np.dtype(np.float64): getattr(lib, name("cblas_dgemm"))}
		setThreads = getattr(lib, name("openblas_set_num_threads"))
	except (OSError, AttributeError):
		return None, None, None

	for dtype, fn in fns.items():
		scalar = np.ctypeslib.as_ctypes_type(dtype)
		fn.restype = None
		fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64,
			scalar, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64,
			scalar, ctypes.c_void_p, ctypes.c_int64]
	setThreads.argtypes, setThreads.restype = [ctypes.c_int], None
	return fns, setThreads, path


_cblas, _setOpenBlasThreads, openBlasPath = _loadOpenBlas()


def setThreads(n):
	"""Threads OpenBLAS uses for the big products (our kernels follow OpenMP's count)."""
	if _setOpenBlasThreads is not None:
		_setOpenBlasThreads(n)


def _scaleInto(out, product, alpha, beta):
	if beta == 0:  # as in BLAS, out's old contents (even NaN) are ignored when beta is 0
		np.multiply(product, out.dtype.type(alpha), out=out._data) if alpha != 1 else np.copyto(out._data, product)
	else:
		out._data *= out.dtype.type(beta)
		out._data += out.dtype.type(alpha) * product


def gemm(A, B, out, transpA, transpB, alpha, beta, bias):
	"""Returns the bias left for the caller to add: None when our kernel added it in its epilogue."""
	m, n = out.shape
	k = A.shape[0] if transpA else A.shape[1]

	if m * n * k <= Gemm.OWN_GEMM_MACS:
		Gemm.gemm(A, B, out, transpA, transpB, alpha, beta, bias)
		return None

	if _cblas is None:
		_scaleInto(out, (A._data.T if transpA else A._data) @ (B._data.T if transpB else B._data), alpha, beta)
		return bias

	_cblas[A.dtype](ROW_MAJOR, TRANS if transpA else NO_TRANS, TRANS if transpB else NO_TRANS, m, n, k,
		alpha, A.ptr, A.shape[1], B.ptr, B.shape[1], beta, out.ptr, n)
	return bias


def gemv(A, x, out, transpA, alpha, beta):
	a = A._data.T if transpA else A._data
	_scaleInto(out, a @ x._data, alpha, beta)


# Compiled because numpy's sum plus the alpha/beta update took three passes and a temporary: a bias gradient
# (128 x 512) cost ~30 us that way, a third of it this way. Columns are summed in strips of 256 accumulators
# walked row by row (contiguous, vectorised); rows by an omp simd reduction.
SUM_SOURCE = r"""
#include <omp.h>
#define FW_STRIP 256

void fw_sumOnMatrix(long rows, long cols, const T *A, T *out, int sumCols, T alpha, T beta)
{
	if (sumCols)
	{
		#pragma omp parallel for if(rows * cols > %(threshold)d) schedule(static)
		for (long j0 = 0; j0 < cols; j0 += FW_STRIP)
		{
			long width = cols - j0 < FW_STRIP ? cols - j0 : FW_STRIP;
			T acc[FW_STRIP];
			for (long j = 0; j < width; j++) acc[j] = 0;
			for (long r = 0; r < rows; r++)
			{
				const T *row = A + r * cols + j0;
				#pragma omp simd
				for (long j = 0; j < width; j++) acc[j] += row[j];
			}
			for (long j = 0; j < width; j++)  /* beta 0 ignores out's old contents, NaN too, as BLAS does */
				out[j0 + j] = beta == 0 ? alpha * acc[j] : beta * out[j0 + j] + alpha * acc[j];
		}
	}
	else
	{
		#pragma omp parallel for if(rows * cols > %(threshold)d) schedule(static)
		for (long r = 0; r < rows; r++)
		{
			const T *row = A + r * cols;
			T acc = 0;
			#pragma omp simd reduction(+:acc)
			for (long j = 0; j < cols; j++) acc += row[j];
			out[r] = beta == 0 ? alpha * acc : beta * out[r] + alpha * acc;
		}
	}
}
""" % dict(threshold=PARALLEL_THRESHOLD)

_sums = {}


def sumOnMatrix(A, out, cols, alpha, beta):
	fn = _sums.get(A.dtype)
	if fn is None:
		fn = _sums[A.dtype] = Compiler.typedFunction(SUM_SOURCE, "sumOnMatrix", A.dtype,
			[ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, "T", "T"])
	fn(A.shape[0], A.shape[1], A.ptr, out.ptr, int(cols), alpha, beta)
