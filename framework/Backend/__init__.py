"""The backend: arrays, kernels, BLAS and RNG behind one facade.

`impl()` is the single place that chooses between the CPU and CUDA
implementations; everything above Backend calls the facade modules
(gpuarray, Kernels, Blas, Rng, SharedArray) and never branches on the backend.

The contract: each implementation package (Backend/Cpu, Backend/Cuda) exports
exactly the names in EXPORTS (its `__all__`), and the facade uses no others
(tests/Backend/test_Contract.py checks both, without a GPU). Implementations
import nothing from the facade (shared kernel-source code is in
Backend/KernelSource.py), so there is no import cycle between them.
"""
import importlib

from framework import Config

EXPORTS = frozenset((
	"activate",  # called once when the backend is chosen (the CUDA context is made here, not at import)
	"ArrayType",  # the device array class
	"toDevice", "empty", "zeros",  # allocation: toDevice(numpy array), empty/zeros(shape tuple, dtype)
	"synchronize",  # waits for every launched kernel
	"buildElementwise", "buildReduction",  # kernel instances from KernelSource Args (see Backend/Kernels.py)
	"gemm", "gemv", "sumOnMatrix",  # BLAS (see Backend/Blas.py)
	"fillUniform", "fillNormal", "Rng",  # random fills and the generator module (seed, getState, setState)
	"collectiveInPlace",  # an MPI collective on an array's own memory (see Backend/Collective.py)
))

_impl = None


def impl():
	"""The implementation package of the active backend (framework.Backend.Cpu or .Cuda), activated on first use."""
	global _impl
	if _impl is None:  # the backend never changes once chosen (Config.setBackend refuses), so this is safe to keep
		module = importlib.import_module("framework.Backend." + ("Cuda" if Config.getBackend() == "cuda" else "Cpu"))
		module.activate()
		_impl = module
	return _impl
