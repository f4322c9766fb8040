import itertools
import os
import pathlib

import numpy as np
import pytest

from framework.Backend import Blas, gpuarray


@pytest.mark.parametrize("transpA,transpB,alpha,beta", list(itertools.product([False, True], [False, True], [1.0, 0.5], [0.0, 2.0])))
def test_gemmMatchesNumpy(dtype, rng, transpA, transpB, alpha, beta):
	m, k, n = 5, 7, 3
	A = rng.standard_normal((k, m) if transpA else (m, k)).astype(dtype)
	B = rng.standard_normal((n, k) if transpB else (k, n)).astype(dtype)
	C = rng.standard_normal((m, n)).astype(dtype)

	out = gpuarray.to_gpu(C)
	result = Blas.gemm(gpuarray.to_gpu(A), gpuarray.to_gpu(B), out=out, transpA=transpA, transpB=transpB, alpha=alpha, beta=beta)
	assert result is out

	expected = alpha * ((A.T if transpA else A) @ (B.T if transpB else B)) + beta * C
	np.testing.assert_allclose(out.get(), expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


def test_gemmIgnoresOutContentsWhenBetaIsZero(rng):
	A, B = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
	out = gpuarray.to_gpu(np.full((2, 4), np.nan))
	Blas.gemm(gpuarray.to_gpu(A), gpuarray.to_gpu(B), out=out, alpha=2.0)
	np.testing.assert_allclose(out.get(), 2 * A @ B)


def test_gemmAllocatesOutput(rng):
	A, B = rng.standard_normal((4, 2)).astype(np.float32), rng.standard_normal((2, 6)).astype(np.float32)
	out = Blas.gemm(gpuarray.to_gpu(A), gpuarray.to_gpu(B))
	assert out.shape == (4, 6)
	np.testing.assert_allclose(out.get(), A @ B, rtol=1e-5)


@pytest.mark.parametrize("transpA,beta", [(False, 0.0), (True, 0.0), (False, 1.5), (True, -1.0)])
def test_gemvMatchesNumpy(dtype, rng, transpA, beta):
	A = rng.standard_normal((4, 6)).astype(dtype)
	x = rng.standard_normal(4 if transpA else 6).astype(dtype)
	y = rng.standard_normal(6 if transpA else 4).astype(dtype)

	out = gpuarray.to_gpu(y)
	Blas.gemv(gpuarray.to_gpu(A), gpuarray.to_gpu(x), out=out, transpA=transpA, alpha=0.5, beta=beta)
	np.testing.assert_allclose(out.get(), 0.5 * (A.T if transpA else A) @ x + beta * y, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cols", [True, False])
def test_sumOnMatrix(dtype, rng, cols):
	A = rng.standard_normal((5, 3)).astype(dtype)
	acc = rng.standard_normal(3 if cols else 5).astype(dtype)
	out = gpuarray.to_gpu(acc)
	Blas.sumOnMatrix(gpuarray.to_gpu(A), out=out, cols=cols, beta=1.0)
	np.testing.assert_allclose(out.get(), A.sum(axis=0 if cols else 1) + acc, rtol=1e-5)


def test_blasErrorsAreClear():
	a, b = gpuarray.zeros((2, 3)), gpuarray.zeros((4, 2))
	with pytest.raises(ValueError, match=r"Blas.gemm: inner dimensions differ"):
		Blas.gemm(a, b)
	with pytest.raises(TypeError, match="Blas.gemm: B has dtype float64, expected float32"):
		Blas.gemm(a, gpuarray.zeros((3, 2), np.float64))
	with pytest.raises(ValueError, match=r"Blas.gemm: out must have shape \(2, 2\), got \(3, 3\)"):
		Blas.gemm(a, gpuarray.zeros((3, 2)), out=gpuarray.zeros((3, 3)))
	with pytest.raises(ValueError, match="beta=1.0 needs an out array"):
		Blas.gemm(a, gpuarray.zeros((3, 2)), beta=1.0)
	with pytest.raises(TypeError, match="A must be a device array"):
		Blas.gemv(np.zeros((2, 2)), gpuarray.zeros(2))


def cpuBlas():
	from framework.Backend import impl
	if not impl().__name__.endswith("Cpu"):
		pytest.skip("CPU only")
	from framework.Backend.Cpu import Blas as module
	return module


def referenceGemm(A, B, C, transpA, transpB, alpha, beta):
	return alpha * ((A.T if transpA else A) @ (B.T if transpB else B)) + beta * C


# Shapes around the CPU kernel's edges: partial row tiles (8 rows with AVX-512, 6 otherwise), partial column
# strips (2 vectors: 32 floats or 16 doubles), depths across its 256-deep B strips, k = 0, sizes big enough
# (>= 2^17 multiply-adds) to run on several threads, and, transposed B, the dot-product path for a C of one
# tile over a reduction of 2048 or more (odd lengths leave a tail after the vectors), and a classifier's narrow
# output (10 of a strip's 32 columns).
EDGE_SHAPES = [(1, 1, 1), (7, 33, 5), (9, 31, 256), (17, 70, 257), (6, 36, 600), (13, 17, 0), (128, 300, 100), (50, 12, 2000),
	(6, 16, 5001), (1, 1, 2048), (32, 1, 7), (128, 10, 256)]


@pytest.mark.parametrize("m,n,k", EDGE_SHAPES)
@pytest.mark.parametrize("transpA,transpB", list(itertools.product([False, True], [False, True])))
def test_gemmEdgeShapes(dtype, rng, m, n, k, transpA, transpB):
	A = rng.standard_normal((k, m) if transpA else (m, k)).astype(dtype)
	B = rng.standard_normal((n, k) if transpB else (k, n)).astype(dtype)
	C = rng.standard_normal((m, n)).astype(dtype)

	out = gpuarray.to_gpu(C)
	Blas.gemm(gpuarray.to_gpu(A), gpuarray.to_gpu(B), out=out, transpA=transpA, transpB=transpB, alpha=0.5, beta=-2.0)
	tol = dict(rtol=2e-4, atol=2e-4 * np.sqrt(max(k, 1))) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-11)
	np.testing.assert_allclose(out.get(), referenceGemm(A, B, C, transpA, transpB, 0.5, -2.0), **tol)


# The bias rides in the CPU kernel's epilogue, so it must reach every path: full and partial tiles, several
# depth blocks (only the first adds it), k = 0, and the dot-product path (transposed B, C of one tile, long k).
@pytest.mark.parametrize("m,n,k,transpA,transpB", [(7, 33, 5, False, False), (17, 70, 600, False, False), (9, 40, 257, True, False),
	(13, 17, 0, False, False), (128, 300, 100, False, True), (6, 16, 5001, False, True), (8, 32, 64, True, True)])
@pytest.mark.parametrize("beta", [0.0, -2.0])
def test_gemmAddsBiasToEveryRow(dtype, rng, m, n, k, transpA, transpB, beta):
	A = rng.standard_normal((k, m) if transpA else (m, k)).astype(dtype)
	B = rng.standard_normal((n, k) if transpB else (k, n)).astype(dtype)
	C = rng.standard_normal((m, n)).astype(dtype)
	bias = rng.standard_normal(n).astype(dtype)

	out = gpuarray.to_gpu(np.full((m, n), np.nan, dtype) if beta == 0 else C)
	Blas.gemm(gpuarray.to_gpu(A), gpuarray.to_gpu(B), out=out, transpA=transpA, transpB=transpB, alpha=0.5, beta=beta,
		bias=gpuarray.to_gpu(bias))
	tol = dict(rtol=2e-4, atol=2e-4 * np.sqrt(max(k, 1))) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-11)
	np.testing.assert_allclose(out.get(), referenceGemm(A, B, C, transpA, transpB, 0.5, beta) + bias, **tol)


def test_gemmBiasErrorsAreClear():
	a, b = gpuarray.zeros((2, 3)), gpuarray.zeros((3, 4))
	with pytest.raises(ValueError, match=r"Blas.gemm: bias must have shape \(4,\) \(one value per column of out\), got \(2,\)"):
		Blas.gemm(a, b, bias=gpuarray.zeros(2))
	with pytest.raises(TypeError, match="Blas.gemm: bias has dtype float64, expected float32"):
		Blas.gemm(a, b, bias=gpuarray.zeros(4, np.float64))
	with pytest.raises(TypeError, match="Blas.gemm: bias must be a device array, got ndarray"):
		Blas.gemm(a, b, bias=np.zeros(4, np.float32))


@pytest.mark.parametrize("m,n,k", [(2, 3, 4), (5, 9, 4099)])  # the second takes the CPU's dot-product path
def test_gemmIgnoresNanOutWithBetaZeroOnEveryPath(rng, m, n, k):
	A, B = rng.standard_normal((m, k)), rng.standard_normal((n, k))
	out = gpuarray.to_gpu(np.full((m, n), np.nan))
	Blas.gemm(gpuarray.to_gpu(A), gpuarray.to_gpu(B), out=out, transpB=True, alpha=0.5)
	np.testing.assert_allclose(out.get(), 0.5 * A @ B.T, rtol=1e-10, atol=1e-10)


def test_gemmWithEmptyDepthScalesOut(rng):
	C = rng.standard_normal((3, 4))
	out = gpuarray.to_gpu(C)
	Blas.gemm(gpuarray.zeros((3, 0), np.float64), gpuarray.zeros((0, 4), np.float64), out=out, beta=3.0)
	np.testing.assert_array_equal(out.get(), 3.0 * C)

	out = gpuarray.to_gpu(np.full((3, 4), np.nan))
	Blas.gemm(gpuarray.zeros((3, 0), np.float64), gpuarray.zeros((0, 4), np.float64), out=out)
	np.testing.assert_array_equal(out.get(), np.zeros((3, 4)))


@pytest.mark.parametrize("transpA,transpB,beta", [(False, False, 0.0), (True, False, 1.0), (False, True, 0.5), (True, True, 0.0)])
def test_bigProductsGoToOpenBlasAndAgree(monkeypatch, rng, transpA, transpB, beta):
	blas = cpuBlas()
	if blas._cblas is None:
		pytest.skip("scipy-openblas64 is not installed (pip install 'framework[blas]')")
	from framework.Backend.Cpu import Gemm
	A = rng.standard_normal((40, 30) if transpA else (30, 40)).astype(np.float32)
	B = rng.standard_normal((50, 40) if transpB else (40, 50)).astype(np.float32)
	C = rng.standard_normal((30, 50)).astype(np.float32)
	bias = rng.standard_normal(50).astype(np.float32)  # OpenBLAS leaves it to the separate kernel

	results = []
	for limit in (Gemm.OWN_GEMM_MACS, 0):  # 0: every product counts as big, so OpenBLAS takes it
		monkeypatch.setattr(Gemm, "OWN_GEMM_MACS", limit)
		ownCalls = []
		monkeypatch.setattr(Gemm, "gemm", lambda *args, real=Gemm.gemm: (ownCalls.append(1), real(*args)))
		out = gpuarray.to_gpu(C)
		Blas.gemm(gpuarray.to_gpu(A), gpuarray.to_gpu(B), out=out, transpA=transpA, transpB=transpB, alpha=2.0, beta=beta,
			bias=gpuarray.to_gpu(bias))
		assert len(ownCalls) == (1 if limit else 0)
		results.append(out.get())
		monkeypatch.undo()

	np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-5)
	expected = referenceGemm(A, B, C, transpA, transpB, 2.0, beta) + bias
	np.testing.assert_allclose(results[0], expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("transpA,transpB,beta", [(False, False, 1.0), (True, True, 0.0)])
def test_bigProductsGoToNumpyWithoutOpenBlas(monkeypatch, rng, transpA, transpB, beta):
	blas = cpuBlas()
	from framework.Backend.Cpu import Gemm
	monkeypatch.setattr(blas, "_cblas", None)
	monkeypatch.setattr(Gemm, "OWN_GEMM_MACS", 0)
	monkeypatch.setattr(Gemm, "gemm", lambda *args: pytest.fail("our kernel took a product above OWN_GEMM_MACS"))
	A = rng.standard_normal((3, 4) if transpA else (4, 3))
	B = rng.standard_normal((5, 3) if transpB else (3, 5))
	C, bias = rng.standard_normal((4, 5)), rng.standard_normal(5)
	out = gpuarray.to_gpu(C)
	Blas.gemm(gpuarray.to_gpu(A), gpuarray.to_gpu(B), out=out, transpA=transpA, transpB=transpB, alpha=2.0, beta=beta,
		bias=gpuarray.to_gpu(bias))
	np.testing.assert_allclose(out.get(), referenceGemm(A, B, C, transpA, transpB, 2.0, beta) + bias, rtol=1e-12)


def test_openBlasComesFromItsPackage():
	# The scipy-openblas64 package says where its library is; numpy's private numpy.libs folder is not used
	blas = cpuBlas()
	package = pytest.importorskip("scipy_openblas64")
	assert blas._cblas is not None
	assert os.path.dirname(blas.openBlasPath) == os.path.normpath(package.get_lib_dir())
	assert "numpy.libs" not in blas.openBlasPath


def test_gemmSourceShipsAsACFile():
	from framework.Backend.Cpu import Gemm
	path = pathlib.Path(Gemm.__file__).with_name("Gemm.c")
	assert Gemm.SOURCE == path.read_text() and "void fw_gemm(" in Gemm.SOURCE
	setup = (pathlib.Path(__file__).parents[2] / "setup.py").read_text()
	assert '"framework.Backend.Cpu": ["*.c"]' in setup


@pytest.mark.parametrize("cols", [True, False])
@pytest.mark.parametrize("shape", [(1, 1), (3, 700), (700, 3), (600, 600)])  # strips of 256 columns; 600 x 600 runs threaded
def test_sumOnMatrixShapesAndBetaZero(dtype, rng, cols, shape):
	A = rng.standard_normal(shape).astype(dtype)
	out = gpuarray.to_gpu(np.full(shape[1] if cols else shape[0], np.nan, dtype=dtype))
	Blas.sumOnMatrix(gpuarray.to_gpu(A), out=out, cols=cols, alpha=0.5)
	tol = 1e-4 if dtype == np.float32 else 1e-12
	np.testing.assert_allclose(out.get(), 0.5 * A.sum(axis=0 if cols else 1), rtol=tol, atol=tol)
