"""CPU random fills from a numpy generator reseeded by Config.setSeed."""
import numpy as np

from framework import Config

_rng = None


def _generator():
	global _rng
	if _rng is None:
		seed = Config.getSeed()
		_rng = np.random.default_rng(None if seed is None else [seed, 1])
	return _rng


def seed(value):
	global _rng
	_rng = np.random.default_rng([value, 1])  # a stream apart from the host generator's


def fillUniform(ary, low, high):
	values = _generator().random(ary.shape, dtype=ary.dtype)
	ary._data[...] = values * ary.dtype.type(high - low) + ary.dtype.type(low)


def fillNormal(ary, mean, std):
	values = _generator().standard_normal(ary.shape, dtype=ary.dtype)
	ary._data[...] = values * ary.dtype.type(std) + ary.dtype.type(mean)


def getState():
	"""The generator's state (a JSON-able dict), so that a checkpoint can resume the same random stream."""
	return _generator().bit_generator.state


def setState(state):
	_generator().bit_generator.state = state
