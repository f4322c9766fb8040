import itertools

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


@pytest.mark.parametrize("transpA,transpB,beta", [(False, False, 0.0), (True, False, 1.0), (False, True, 0.5), (True, True, 0.0)])
def test_numpyFallbackWhenBundledBlasIsAbsent(monkeypatch, rng, transpA, transpB, beta):
	from framework.Backend import impl
	cpuBlas = pytest.importorskip("framework.Backend.Cpu.Blas") if impl().__name__.endswith("Cpu") else pytest.skip("CPU only")
	monkeypatch.setattr(cpuBlas, "_cblas", None)

	A = rng.standard_normal((3, 4) if transpA else (4, 3))
	B = rng.standard_normal((5, 3) if transpB else (3, 5))
	C = rng.standard_normal((4, 5))
	out = gpuarray.to_gpu(C)
	Blas.gemm(gpuarray.to_gpu(A), gpuarray.to_gpu(B), out=out, transpA=transpA, transpB=transpB, alpha=2.0, beta=beta)
	np.testing.assert_allclose(out.get(), 2.0 * (A.T if transpA else A) @ (B.T if transpB else B) + beta * C, rtol=1e-12)
