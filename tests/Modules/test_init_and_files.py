"""Initialisers (seeded host draws) and the save -> load round trip of modules with variables and attributes."""
import numpy as np
import pytest

from framework import Config
from framework.Backend import gpuarray
from framework.Modules import BatchNorm2D, Conv2D, Embedder, Linear
from framework.Modules import Init


@pytest.mark.parametrize("scheme", sorted(Init.SCHEMES))
def test_initialisationIsReproducibleFromTheSeed(scheme):
	Config.setSeed(5)
	a = Linear(30, 20, initscheme=scheme).W.data.get()
	Config.setSeed(5)
	b = Linear(30, 20, initscheme=scheme).W.data.get()
	Config.setSeed(6)
	c = Linear(30, 20, initscheme=scheme).W.data.get()
	np.testing.assert_array_equal(a, b)
	assert not np.array_equal(a, c)
	assert a.dtype == np.float32


def test_schemeDistributions():
	Config.setSeed(1)
	fanIn, fanOut, shape = 200, 100, (200, 100)
	xavier = Init.xavier(shape, fanIn, fanOut)
	bound = np.sqrt(6 / 300)
	assert np.abs(xavier).max() <= bound and np.abs(xavier).max() > 0.98 * bound
	assert abs(Init.he(shape, fanIn, fanOut).std() - np.sqrt(2 / fanIn)) < 0.02 * np.sqrt(2 / fanIn)
	assert abs(Init.gaussian(shape, fanIn, fanOut).std() - 0.01) < 0.0002
	uniform = Init.uniform(shape, fanIn, fanOut, np.float64)
	assert uniform.dtype == np.float64 and np.abs(uniform).max() <= 1 / np.sqrt(fanIn)


def test_callableSchemeAndItsShapeCheck():
	m = Linear(3, 2, initscheme=lambda shape, fanIn, fanOut, dtype: np.full(shape, 0.5, dtype))
	np.testing.assert_array_equal(m.W.data.get(), np.full((3, 2), 0.5, np.float32))
	with pytest.raises(ValueError, match=r"Linear: initscheme returned shape \(2,\), expected \(3, 2\)"):
		Linear(3, 2, initscheme=lambda shape, fanIn, fanOut, dtype: np.zeros(2))


def test_biasesStartAtZero():
	assert not np.any(Linear(3, 4).b.data.get()) and not np.any(Conv2D(2, 3, 3).b.data.get())
	assert Linear(3, 4, useBias=False).b is None and set(Linear(3, 4, useBias=False).vars) == {"W"}


def test_saveLoadRoundTripWithVariablesAndAttributes(tmp_path, rng):
	m = BatchNorm2D(3, name="bn")
	m.vars["scale"].data.set(rng.uniform(0.5, 1.5, 3).astype(np.float32))
	for _ in range(3):
		m(gpuarray.to_gpu(rng.standard_normal((4, 3, 2, 2)).astype(np.float32)))
	assert np.any(m.getAttr("mean").get() != 0)

	path = tmp_path / "bn.h5"
	m.save(path)
	fresh = BatchNorm2D(3, name="bn")
	fresh.load(path)
	for name in ("scale", "bias"):
		np.testing.assert_array_equal(fresh.vars[name].data.get(), m.vars[name].data.get())
	for name in ("mean", "var"):
		np.testing.assert_array_equal(fresh.getAttr(name).get(), m.getAttr(name).get())

	x = gpuarray.to_gpu(rng.standard_normal((2, 3, 2, 2)).astype(np.float32))
	np.testing.assert_array_equal(fresh.evalMode()(x).get(), m.evalMode()(x).get())


def test_saveLoadRoundTripConvAndEmbedder(tmp_path):
	Config.setSeed(2)
	for build in (lambda: Conv2D(2, 4, 3, groups=2), lambda: Embedder(7, 3)):
		m = build()
		m.save(tmp_path / "m.h5")
		Config.setSeed(99)
		fresh = build()
		assert not np.array_equal(fresh.vars["W"].data.get(), m.vars["W"].data.get())
		fresh.load(tmp_path / "m.h5")
		for name, var in m.vars.items():
			np.testing.assert_array_equal(fresh.vars[name].data.get(), var.data.get())


def test_loadIntoADifferentModuleIsAnError(tmp_path):
	BatchNorm2D(3).save(tmp_path / "bn.h5")
	with pytest.raises(ValueError, match=r"BatchNorm2D.load: .* does not match the module:(.|\n)*attribute .mean.: expected shape \(4,\), file has \(3,\)"):
		BatchNorm2D(4).load(tmp_path / "bn.h5")
