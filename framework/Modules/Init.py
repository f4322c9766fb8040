"""Weight initialisers drawn on the host from Config.hostRng(), so a seeded net starts identical on every backend.

Every scheme is called as scheme(shape, fanIn, fanOut, dtype) and returns a numpy array:
  xavier    U(-a, a), a = sqrt(6 / (fanIn + fanOut))      (Glorot & Bengio 2010; torch xavier_uniform_)
  he        N(0, 2 / fanIn)                                (He et al. 2015; torch kaiming_normal_)
  gaussian  N(0, 0.01^2)
  uniform   U(-1/sqrt(fanIn), 1/sqrt(fanIn))               (torch's default for Linear and Conv2d weights)
"""
import numpy as np

from framework import Config


def xavier(shape, fanIn, fanOut, dtype=np.float32):
	bound = np.sqrt(6.0 / (fanIn + fanOut))
	return Config.hostRng().uniform(-bound, bound, size=shape).astype(dtype)


def he(shape, fanIn, fanOut, dtype=np.float32):
	return Config.hostRng().normal(0.0, np.sqrt(2.0 / fanIn), size=shape).astype(dtype)


def gaussian(shape, fanIn, fanOut, dtype=np.float32, std=0.01):
	return Config.hostRng().normal(0.0, std, size=shape).astype(dtype)


def uniform(shape, fanIn, fanOut, dtype=np.float32):
	bound = 1.0 / np.sqrt(fanIn)
	return Config.hostRng().uniform(-bound, bound, size=shape).astype(dtype)


SCHEMES = {"xavier": xavier, "he": he, "gaussian": gaussian, "uniform": uniform}


def initialise(scheme, shape, fanIn, fanOut, dtype=np.float32, who="init"):
	"""Draws a weight array by scheme name (one of SCHEMES) or by a callable with the same signature."""
	if callable(scheme):
		ary = np.asarray(scheme(tuple(shape), fanIn, fanOut, dtype), dtype=dtype)
		if ary.shape != tuple(shape):
			raise ValueError("%s: initscheme returned shape %s, expected %s" % (who, ary.shape, tuple(shape)))
		return ary

	fn = SCHEMES.get(scheme) if isinstance(scheme, str) else None
	if fn is None:
		raise ValueError("%s: initscheme must be one of %s or a callable, got %r" % (who, ", ".join(SCHEMES), scheme))
	return fn(tuple(shape), fanIn, fanOut, dtype)
