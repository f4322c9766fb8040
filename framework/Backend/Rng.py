"""Seeded random fills on the active backend (curandom on CUDA, numpy on the CPU).

Config.setSeed(n) reseeds them; weight initialisation draws on the host
generator (Config.hostRng()) instead, so nets start identical on both backends.
"""
from framework.Backend import gpuarray, impl


def _checkFloat(fn, ary):
	if not gpuarray.isArray(ary) or ary.dtype.kind != "f":
		raise TypeError("Rng.%s: expected a float32/float64 device array, got %s" % (
			fn, getattr(ary, "dtype", type(ary).__name__)
		))


def fillUniform(ary, low=0.0, high=1.0):
	"""Fills ary in place with samples from U[low, high) and returns it."""
	_checkFloat("fillUniform", ary)
	if not low <= high:
		raise ValueError("Rng.fillUniform: expected low <= high, got %s > %s" % (low, high))
	impl().fillUniform(ary, low, high)
	return ary


def fillNormal(ary, mean=0.0, std=1.0):
	"""Fills ary in place with samples from N(mean, std^2) and returns it."""
	_checkFloat("fillNormal", ary)
	if std < 0:
		raise ValueError("Rng.fillNormal: std must be >= 0, got %s" % std)
	impl().fillNormal(ary, mean, std)
	return ary


def getState():
	"""The device generator's state as a JSON-able value for checkpoints; None where the backend cannot export it (CUDA)."""
	return impl().Rng.getState()


def setState(state):
	"""Restores a state from getState(); None leaves the generator as it is."""
	if state is not None:
		impl().Rng.setState(state)


def reseed(value):
	"""Reseeds the device generator alone (Config.setSeed reseeds it and the host one); data-parallel ranks use it
	to draw different dropout masks while sharing the host generator's shuffles."""
	impl().Rng.seed(int(value))
