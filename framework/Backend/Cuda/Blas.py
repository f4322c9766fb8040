"""cuBLAS through scikit-cuda, row-major: C = A @ B is computed as the column-major C^T = B^T A^T."""
import numpy as np
import pycuda.driver as drv
import pycuda.gpuarray as pgpu

from framework.Backend.Cuda.CublasLoader import importCublas

_cublas = None
_handles = {}
_ones = {}


def library():
	"""skcuda.cublas, loaded on first use: importing the backend must work where cuBLAS is absent (compile checks)."""
	global _cublas
	if _cublas is None:
		_cublas = importCublas()
	return _cublas


def handle():
	"""One cuBLAS handle per CUDA context."""
	cublas = library()
	ctx = drv.Context.get_current()
	key = id(ctx) if ctx is None else ctx.handle
	h = _handles.get(key)
	if h is None:
		h = _handles[key] = cublas.cublasCreate()
	return h


def _fn(dtype, single, double):
	return single if dtype == np.float32 else double


def gemm(A, B, out, transpA, transpB, alpha, beta, bias):
	"""Returns the bias for the caller to add (cuBLAS has no bias epilogue)."""
	m, n = out.shape
	k = A.shape[0] if transpA else A.shape[1]
	if m == 0 or n == 0:
		return None
	if k == 0:
		out.fill(0) if beta == 0 else out.__imul__(beta)
		return bias

	fn = _fn(A.dtype, library().cublasSgemm, library().cublasDgemm)
	fn(handle(), "t" if transpB else "n", "t" if transpA else "n", n, m, k, alpha,
		B.gpudata, B.shape[1], A.gpudata, A.shape[1], beta, out.gpudata, n)
	return bias


def gemv(A, x, out, transpA, alpha, beta):
	rows, cols = A.shape
	if out.size == 0:
		return
	if x.size == 0:
		out.fill(0) if beta == 0 else out.__imul__(beta)
		return

	# Row-major A is the column-major (cols x rows) matrix A^T.
	fn = _fn(A.dtype, library().cublasSgemv, library().cublasDgemv)
	fn(handle(), "n" if transpA else "t", cols, rows, alpha, A.gpudata, cols, x.gpudata, 1, beta, out.gpudata, 1)


def sumOnMatrix(A, out, cols, alpha, beta):
	length = A.shape[0] if cols else A.shape[1]
	key = (length, A.dtype)
	ones = _ones.get(key)
	if ones is None:
		ones = _ones[key] = pgpu.to_gpu(np.ones(length, dtype=A.dtype))
	gemv(A, ones, out, cols, alpha, beta)
