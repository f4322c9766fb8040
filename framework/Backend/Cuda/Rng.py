"""CUDA random fills: cuRAND's XORWOW through pycuda.curandom, reseeded by Config.setSeed.

PyCUDA built without cuRAND (no curand.h at build time) has no generator, so
then the numbers are drawn on the host and copied over: slower, still seeded.
"""
import numpy as np
import pycuda.gpuarray as pgpu

from framework import Config

_generator = None
_hostFallback = None


def _seedGetter(seed):
	def getter(count):
		return pgpu.to_gpu(np.random.default_rng([seed, 2]).integers(1, 2 ** 31 - 1, size=count, dtype=np.int32))
	return getter


def seed(value):
	global _generator, _hostFallback
	_generator, _hostFallback = None, np.random.default_rng([value, 1])
	_make(value)


def _make(value):
	global _generator
	try:
		from pycuda import curandom  # here: a PyCUDA built without cuRAND fails this import, which selects the fallback
		_generator = curandom.XORWOWRandomNumberGenerator(seed_getter=_seedGetter(value if value is not None else 0))
	except Exception:  # no cuRAND in this PyCUDA build
		_generator = False


def _ensure():
	global _hostFallback
	if _generator is None:
		_make(Config.getSeed())
	if _hostFallback is None:
		_hostFallback = np.random.default_rng(None if Config.getSeed() is None else [Config.getSeed(), 1])


def fillUniform(ary, low, high):
	_ensure()
	if _generator:
		_generator.fill_uniform(ary)
	else:
		ary.set(_hostFallback.random(ary.shape, dtype=ary.dtype))
	ary *= high - low
	ary += low


def fillNormal(ary, mean, std):
	_ensure()
	if _generator:
		_generator.fill_normal(ary)
	else:
		ary.set(_hostFallback.standard_normal(ary.shape, dtype=ary.dtype))
	ary *= std
	ary += mean


def getState():
	return None  # cuRAND's XORWOW state is not exported; a CUDA resume redraws dropout masks


def setState(state):
	pass
