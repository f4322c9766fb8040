"""Process-wide settings: which backend runs the arrays, the default dtype, the seed.

The backend is chosen once, on first use (FRAMEWORK_BACKEND=auto|cpu|cuda, or
`setBackend` before any array exists); nothing is rebound at import time.
"""
import os

import numpy as np

BACKENDS = ("auto", "cpu", "cuda")

defaultDtype = np.float32

_backend = None
_device = None  # the CUDA device index this process asked for (None: PyCUDA's choice)
_deviceClaimed = False  # set once the CUDA backend has made its context on the device
_seed = None
_hostRng = np.random.default_rng()
_seedListeners = []


def _cudaAvailable():
	try:
		import pycuda.driver as drv
		drv.init()
		return drv.Device.count() > 0
	except Exception:  # ImportError, or a driver without a device: both mean "no CUDA"
		return False


def _resolve(name):
	name = name.strip().lower()
	if name not in BACKENDS:
		raise ValueError("FRAMEWORK_BACKEND: expected one of %s, got %r" % (", ".join(BACKENDS), name))

	if name == "auto":
		return "cuda" if _cudaAvailable() else "cpu"

	if name == "cuda" and not _cudaAvailable():
		raise RuntimeError(
			"FRAMEWORK_BACKEND=cuda: no usable CUDA device (PyCUDA must import and see a GPU; "
			"install it with pip install 'framework[cuda]', or use FRAMEWORK_BACKEND=cpu)"
		)
	return name


def getBackend():
	"""Name of the active backend, 'cpu' or 'cuda', resolved on first call."""
	global _backend
	if _backend is None:
		_backend = _resolve(os.environ.get("FRAMEWORK_BACKEND", "auto"))
	return _backend


def setBackend(name):
	"""Choose the backend explicitly; allowed only before the first array is made."""
	global _backend
	chosen = _resolve(name)
	if _backend is not None and _backend != chosen:
		raise RuntimeError("Config.setBackend: backend %r is already in use, cannot switch to %r" % (_backend, chosen))
	_backend = chosen


def setDevice(index):
	"""Which GPU this process uses on the CUDA backend, taken modulo the number of devices; ignored on the CPU.

	It must be chosen before the CUDA context exists (the first array); NodeInfo sets it to the rank's local rank.
	"""
	global _device
	if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)) or index < 0:
		raise ValueError("Config.setDevice: expected a non-negative int, got %r" % (index, ))
	index = int(index)
	if _deviceClaimed and index != (_device or 0):
		raise RuntimeError(
			"Config.setDevice: the CUDA context already runs on device %d, cannot move to %d "
			"(make the NodeInfo before the first array)" % (_device or 0, index)
		)
	_device = index


def claimDevice():
	"""The device index to make the CUDA context on (None: PyCUDA's default); later setDevice calls must agree."""
	global _deviceClaimed
	_deviceClaimed = True
	return _device


def setSeed(seed):
	"""Seed every generator (host numpy and the device generator) so that a CPU run is reproducible."""
	global _seed, _hostRng
	if not isinstance(seed, (int, np.integer)) or seed < 0:
		raise ValueError("Config.setSeed: expected a non-negative int, got %r" % (seed, ))
	_seed = int(seed)
	_hostRng = np.random.default_rng(_seed)
	for listener in _seedListeners:
		listener(_seed)


def getSeed():
	return _seed


def hostRng():
	"""The seeded numpy generator used for weight initialisation and shuffling."""
	return _hostRng


def onSeed(listener):
	"""Called with the new seed whenever setSeed runs (the device RNG registers here)."""
	_seedListeners.append(listener)


# --- threads of the CPU backend ---------------------------------------------------------------------------

_numThreads = None
_threadListeners = []


def _positiveThreads(value, where):
	if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
		raise ValueError("%s: expected a positive int for the thread count, got %r" % (where, value))
	return int(value)


def setNumThreads(n):
	"""Threads the CPU backend's kernels and BLAS use from now on (default: FRAMEWORK_NUM_THREADS, else every core).

	On a machine shared with other busy processes, fewer threads than cores can be faster: a parallel kernel
	waits for its slowest thread, and a thread that shares its core with another busy process is slow.
	"""
	global _numThreads
	_numThreads = _positiveThreads(n, "Config.setNumThreads")
	for listener in _threadListeners:
		listener(_numThreads)


def getNumThreads():
	"""The thread count set by setNumThreads or FRAMEWORK_NUM_THREADS, or None: then every core this process may use."""
	if _numThreads is not None:
		return _numThreads
	text = os.environ.get("FRAMEWORK_NUM_THREADS", "").strip()
	if not text:
		return None
	try:
		return _positiveThreads(int(text), "FRAMEWORK_NUM_THREADS")
	except ValueError:
		raise ValueError("FRAMEWORK_NUM_THREADS: expected a positive integer, got %r" % text) from None


def onNumThreads(listener):
	"""Called with the new count whenever setNumThreads runs (the CPU backend registers here)."""
	_threadListeners.append(listener)


def preferPassiveWait():
	"""Asks the OpenMP runtime to let idle threads sleep (OMP_WAIT_POLICY=passive) unless the user chose a policy
	(OMP_WAIT_POLICY or GOMP_SPINCOUNT set). Call it before the first kernel: the runtime reads this once.

	Spinning threads start the next kernel at once, which is worth it on a machine of one's own (the MLP step of
	bench/nets.py: 3.1 ms spinning, 5.4 ms passive, 2 cores); beside busy processes a spinning thread takes a core
	another one needs (the default train: 0.4 s of training quiet, 60 s beside one busy process). The command line
	calls this, since it is the job people start on shared machines; a script may call it too.
	"""
	if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
		os.environ["OMP_WAIT_POLICY"] = "passive"
