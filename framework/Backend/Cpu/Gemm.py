"""The CPU gemm for the products a training step makes: a register-tiled kernel built like the other kernels.

Why not only OpenBLAS: at layer sizes (an MLP's 128x784 @ 784x512) OpenBLAS reached 60-65% of
the FMA peak on two cores, and its worker threads spun against our OpenMP team between calls. This kernel keeps
an MR x NR tile of C in vector registers (MR rows of A broadcast against two vectors of a packed strip of B),
reads full row tiles of A where they lie (packing A cost 10-15% at these sizes), packs only a KC x NR strip of
B per task (B rows 2 KiB apart thrash L1) and splits the column strips across the OpenMP team. Above
OWN_GEMM_MACS multiply-adds OpenBLAS's cache blocking of A wins, so Blas.gemm sends those products there. A
transposed-B product whose C fits one tile but whose reduction is long runs as dot products with the reduction
split across the team instead (fw_gemmDot).
bench/gemm.py measures it against OpenBLAS and torch.mm; docs/design-notes.md has the figures.

The source uses GCC vector extensions, so the same text builds for AVX-512, AVX2, SSE or NEON; only the vector
width and the rows per tile (the register count) change.
"""
import ctypes
import pathlib

from framework.Backend.Cpu import Compiler

# Products of at most this many multiply-adds use the kernel in Gemm.c; bigger ones go to OpenBLAS where present.
# At 2^30 (1024^3) OpenBLAS was 1.4x faster; up to 2^28 this kernel was as fast or faster in 8 of 9 shapes.
OWN_GEMM_MACS = 1 << 28

# The C lives in Gemm.c beside this file (an editor and a C linter see it as C); setup.py's package_data ships it.
SOURCE = (pathlib.Path(__file__).parent / "Gemm.c").read_text()

_functions = {}
_ARGTYPES = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long, ctypes.c_long, "T", ctypes.c_void_p, ctypes.c_long,
	ctypes.c_void_p, ctypes.c_long, "T", ctypes.c_void_p, ctypes.c_long, ctypes.c_void_p]


def _function(dtype):
	fn = _functions.get(dtype)
	if fn is None:
		fn = _functions[dtype] = Compiler.typedFunction(SOURCE, "gemm", dtype, _ARGTYPES)
	return fn


def gemm(A, B, out, transpA, transpB, alpha, beta, bias=None):
	"""out = alpha * op(A) @ op(B) + beta * out (+ bias on every row) on contiguous row-major CPU arrays."""
	m, n = out.shape
	k = A.shape[0] if transpA else A.shape[1]
	_function(A.dtype)(int(transpA), int(transpB), m, n, k, alpha, A.ptr, max(A.shape[1], 1), B.ptr, max(B.shape[1], 1),
		beta, out.ptr, max(n, 1), None if bias is None else bias.ptr)
