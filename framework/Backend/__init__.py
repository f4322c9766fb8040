"""The backend: arrays, kernels, BLAS and RNG behind one facade.

`impl()` is the single place that chooses between the CPU and CUDA
implementations; everything above Backend calls the facade modules
(gpuarray, Kernels, Blas, Rng, SharedArray) and never branches on the backend.
"""
import importlib

from framework import Config

_impl = None


def impl():
	"""The implementation package of the active backend (framework.Backend.Cpu or .Cuda)."""
	global _impl
	if _impl is None:  # the backend never changes once chosen (Config.setBackend refuses), so this is safe to keep
		_impl = importlib.import_module("framework.Backend." + ("Cuda" if Config.getBackend() == "cuda" else "Cpu"))
	return _impl
