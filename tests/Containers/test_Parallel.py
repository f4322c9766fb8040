import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Containers import Parallel
from tests.Containers.toys import Affine, Tanh


def test_branchKMapsInputK(rng):
	a, t = Affine(3), Tanh()
	net = Parallel().extend([a, t])
	x0, x1 = (gpuarray.to_gpu(rng.standard_normal((2, 3)).astype(np.float32)) for _ in range(2))
	y0, y1 = net([x0, x1])
	np.testing.assert_allclose(y0.get(), a(x0).get())
	np.testing.assert_allclose(y1.get(), np.tanh(x1.get()), rtol=1e-6)
	assert net[1] is t and net["Tanh1"] is t

	net([x0, x1])
	g0, g1 = net.backward([gpuarray.to_gpu(np.ones((2, 3), np.float32))] * 2)
	np.testing.assert_allclose(g1.get(), 1 - np.tanh(x1.get()) ** 2, rtol=1e-6)
	np.testing.assert_allclose(g0.get(), np.ones((2, 3)) * a.vars["W"].data.get(), rtol=1e-6)


def test_wrongNumberOfInputs(rng):
	net = Parallel(name="par").extend([Tanh(), Tanh()])
	x = gpuarray.to_gpu(np.zeros((2, 3), np.float32))
	with pytest.raises(TypeError, match="Parallel 'par': expected a list of 2 inputs"):
		net([x])
	with pytest.raises(TypeError, match="expected a list of 2"):
		net(x)
