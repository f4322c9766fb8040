"""Compiles C kernel source into shared objects, cached on disk, loaded with ctypes.

The flags decide speed: -fno-math-errno lets gcc vectorise sqrtf, -march=native
uses the machine's vector width. -ffast-math is deliberately absent: it breaks
NaN and infinity handling, which the kernels rely on (clamps are ternaries).
"""
import ctypes
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile

FLAGS = ["-O3", "-march=native", "-fno-math-errno", "-fopenmp", "-fPIC", "-shared", "-std=gnu11"]

compileCount = 0  # how many compiler runs this process made (the cache test reads it)


class CompilerError(RuntimeError):
	pass


def compilerCommand():
	cc = os.environ.get("CC", "cc")
	path = shutil.which(cc)
	if path is None:
		raise CompilerError(
			"the CPU backend needs a C compiler with OpenMP, and %r was not found: install gcc "
			"(Debian/Ubuntu: apt-get install gcc; Fedora: dnf install gcc; macOS: brew install gcc and set CC=gcc-14) "
			"or point the CC environment variable at one" % cc
		)
	return path


@functools.lru_cache(maxsize=None)
def _machineKey():
	cc = compilerCommand()
	version = subprocess.run([cc, "--version"], capture_output=True, text=True).stdout.splitlines()[:1]
	cpu = ""
	try:
		with open("/proc/cpuinfo") as f:
			cpu = next((line for line in f if line.startswith("model name")), "")
	except OSError:
		pass
	return "\n".join([cc] + version + [cpu] + FLAGS)


def cacheDir():
	base = os.environ.get("FRAMEWORK_CACHE_DIR")
	if base is None:
		base = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "framework", "kernels")
	os.makedirs(base, exist_ok=True)
	return base


def numbered(source):
	return "\n".join("%4d | %s" % (k + 1, line) for k, line in enumerate(source.splitlines()))


_loaded = {}


def load(source, name):
	"""The ctypes library built from source, compiling it only when no cached copy exists."""
	global compileCount

	key = hashlib.sha256((_machineKey() + "\n" + source).encode()).hexdigest()[:32]
	lib = _loaded.get(key)
	if lib is not None:
		return lib

	directory = cacheDir()
	path = os.path.join(directory, "%s_%s.so" % (name, key))

	if not os.path.exists(path):
		fd, tmpSrc = tempfile.mkstemp(suffix=".c", dir=directory)
		with os.fdopen(fd, "w") as f:
			f.write(source)

		tmpLib = tmpSrc[:-2] + ".so"
		try:
			result = subprocess.run([compilerCommand()] + FLAGS + ["-o", tmpLib, tmpSrc, "-lm"], capture_output=True, text=True)
			compileCount += 1
			if result.returncode != 0:
				raise CompilerError("kernel %s failed to compile:\n%s\n\nsource:\n%s" % (name, result.stderr.strip(), numbered(source)))

			os.replace(tmpLib, path)  # atomic: concurrent processes never load a half-written object
		finally:
			for leftover in (tmpSrc, tmpLib):
				if os.path.exists(leftover):
					os.remove(leftover)

	lib = ctypes.CDLL(path)
	_loaded[key] = lib
	return lib


def typedFunction(source, name, dtype, argtypes, restype=None):
	"""The C function fw_<name> of source built with T as dtype's C type (float32 or float64), prototyped for ctypes.

	An entry "T" in argtypes stands for a scalar of that type.
	"""
	import numpy as np  # local: the rest of this module does not need numpy

	ctype, scalar = ("float", ctypes.c_float) if np.dtype(dtype) == np.float32 else ("double", ctypes.c_double)
	fn = getattr(load("typedef %s T;\n" % ctype + source, "%s_%s" % (name, np.dtype(dtype).name)), "fw_" + name)
	fn.argtypes = [scalar if argtype == "T" else argtype for argtype in argtypes]
	fn.restype = restype
	return fn
