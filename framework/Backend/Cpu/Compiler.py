"""Compiles C kernel source into shared objects, cached on disk, loaded with ctypes.

The flags decide speed: -fno-math-errno lets gcc vectorise sqrtf, -march=native
uses the machine's vector width. -ffast-math is deliberately absent: it breaks
NaN and infinity handling, which the kernels rely on (clamps are ternaries).

The cache holds code this process will run, so it is treated as such:
* its directory belongs to the current user and nobody else may write to it (it is created 0700; anything else
  is refused), so another local user cannot plant an object there;
* an object is loaded only if it is a regular file of ours that others cannot write, whose SHA-256 matches the
  digest file written beside it after the object. A missing or wrong digest (a crash between the two writes, a
  truncated or overwritten object) means compile again: mapping a truncated object kills the process with SIGBUS;
* the key names what the objects are built for: the compiler, its version, the flags, and the instruction-set
  macros -march=native turns on here (__AVX512F__, __FMA__, ...). A CPU's model name is not enough: two CPUs
  sold under one name may differ in AVX-512, and an object built for the other would die with SIGILL.

A missing or failing compiler raises one line naming a log file with the source and the compiler's output.
"""
import ctypes
import functools
import hashlib
import os
import re
import shutil
import stat
import subprocess
import tempfile

import numpy as np

from framework.Backend import Compilation
from framework.Backend.Compilation import CompilerError
from framework.Backend.KernelSource import typedefT

FLAGS = ["-O3", "-march=native", "-fno-math-errno", "-fopenmp", "-fPIC", "-shared", "-std=gnu11"]
TARGET_FLAGS = ["-march=native"]  # the flags in FLAGS that change which instructions the compiler may emit

compileCount = 0  # how many compiler runs this process made (the cache tests read it)


def compilerCommand():
	cc = os.environ.get("CC") or "cc"
	path = shutil.which(cc)
	if path is None:
		raise CompilerError(
			"the CPU backend needs a C compiler with OpenMP, and %r was not found: install gcc "
			"(Debian/Ubuntu: apt-get install gcc; Fedora: dnf install gcc; macOS: brew install gcc and set CC=gcc-14) "
			"or point the CC environment variable at one" % cc
		)
	return path


def _firstLine(text):
	"""The line of a compiler's output that says what went wrong (the first error, else the first line)."""
	lines = [line.strip() for line in text.splitlines() if line.strip()]
	return next((line for line in lines if re.search(r"\berror\b:", line, re.IGNORECASE)), lines[0] if lines else "no output")


@functools.lru_cache(maxsize=None)
def targetFeatures(cc):
	"""What cc builds for here: the predefined macros -march=native adds or changes (one line each, sorted).

	Asked once per process and compiler: three short compiler runs side by side (about 30 ms).
	"""
	def start(flags):
		return subprocess.Popen([cc] + flags, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
			stdin=subprocess.DEVNULL)

	macros = ["-dM", "-E", "-x", "c", os.devnull]
	try:
		runs = [start(["--version"]), start(TARGET_FLAGS + macros), start(macros)]
	except OSError as e:
		raise CompilerError("the C compiler %s cannot run: %s" % (cc, e)) from None

	outputs = [run.communicate() for run in runs]
	for run, (_, err) in zip(runs, outputs):
		if run.returncode != 0:
			raise CompilerError("the C compiler %s failed on %s: %s" % (cc, " ".join(run.args[1:]), _firstLine(err)))

	version = (outputs[0][0].splitlines() or [""])[0]
	native, generic = (set(out.splitlines()) for out, _ in outputs[1:])
	return "\n".join([version] + sorted(native - generic))


def cacheKey(source):
	"""Names the object built from source: the same source, compiler and target give the same key."""
	cc = compilerCommand()
	machine = "\n".join([cc, targetFeatures(cc)] + FLAGS)
	return hashlib.sha256((machine + "\n" + source).encode()).hexdigest()[:32]


def _unsafeBecause(st):
	"""Why a file or directory with this stat may hold code someone else wrote, or None."""
	if st.st_uid != os.geteuid():
		return "it is owned by uid %d, not by this user (uid %d)" % (st.st_uid, os.geteuid())
	if st.st_mode & 0o022:
		return "group or others may write to it (mode %o)" % (st.st_mode & 0o777)
	return None


def cacheDir():
	"""The kernel cache directory, created private (0700) if absent; refused if another user could write to it.

	FRAMEWORK_CACHE_DIR, else $XDG_CACHE_HOME/framework/kernels, else ~/.cache/framework/kernels. A relative
	XDG_CACHE_HOME is ignored, as the XDG base directory spec says.
	"""
	base = os.environ.get("FRAMEWORK_CACHE_DIR")
	if not base:
		xdg = os.environ.get("XDG_CACHE_HOME", "")
		base = os.path.join(xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache"), "framework", "kernels")
	base = os.path.abspath(base)

	try:
		os.makedirs(base, mode=0o700, exist_ok=True)
		st = os.stat(base)
	except OSError as e:
		raise CompilerError("kernel cache %s cannot be created: %s (set FRAMEWORK_CACHE_DIR to a private directory)" % (
			base, e.strerror or e)) from None

	reason = "it is not a directory" if not os.path.isdir(base) else _unsafeBecause(st)
	if reason is not None:
		raise CompilerError("kernel cache %s is refused: %s, so code planted there could run here; make it yours "
			"with mode 0700 (chmod 700) or set FRAMEWORK_CACHE_DIR to a private directory" % (base, reason))
	return base


def numbered(source):
	return "\n".join("%4d | %s" % (k + 1, line) for k, line in enumerate(source.splitlines()))


def _readTrusted(path):
	"""path's bytes when it is a regular file of ours that nobody else may write to; None otherwise or if absent."""
	try:
		fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
	except OSError:
		return None
	with os.fdopen(fd, "rb") as f:
		st = os.fstat(fd)
		if not stat.S_ISREG(st.st_mode) or _unsafeBecause(st) is not None:
			return None
		return f.read()


def isIntact(path):
	"""True when the object at path is ours, not writable by others, and matches the digest written beside it."""
	digest, data = _readTrusted(path + ".sha256"), _readTrusted(path)
	return digest is not None and data is not None and hashlib.sha256(data).hexdigest() == digest.decode("ascii", "replace").strip()


def _writeAtomic(directory, path, text):
	fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
	try:
		with os.fdopen(fd, "w") as f:
			f.write(text)
		os.replace(tmp, path)
	except BaseException:
		os.remove(tmp)
		raise


def _logFailure(directory, name, source, output):
	"""Writes the numbered source and the compiler's output to <cache>/<name>.log; returns its path."""
	path = os.path.join(directory, name + ".log")
	_writeAtomic(directory, path, "%s\n\nsource:\n%s\n" % (output.strip(), numbered(source)))
	return path


def _build(directory, source, name, path):
	"""Compiles source into path, then writes path's digest (in that order: an object without one is rebuilt)."""
	global compileCount

	fd, tmpSrc = tempfile.mkstemp(suffix=".c", dir=directory, prefix=".tmp-")
	with os.fdopen(fd, "w") as f:
		f.write(source)

	tmpLib = tmpSrc[:-2] + ".so"
	try:
		cc = compilerCommand()
		command = [cc] + FLAGS + ["-o", tmpLib, tmpSrc, "-lm"]
		with Compilation.timed():
			try:
				result = subprocess.run(command, capture_output=True, text=True)
			except OSError as e:
				result = subprocess.CompletedProcess(command, 127, "", "cannot run %s: %s" % (cc, e))
			compileCount += 1

		if result.returncode != 0:
			output = (result.stdout + result.stderr).replace(tmpSrc, name + ".c")  # the temporary file is gone: name the kernel
			log = _logFailure(directory, name, source, "%s\nexit status %d\n%s" % (" ".join(command), result.returncode, output))
			raise CompilerError("kernel %s failed to compile: %s (source and compiler output in %s)" % (
				name, _firstLine(output), log))

		os.chmod(tmpLib, 0o755)  # a umask of 002 would leave it group-writable, and then never trusted
		with open(tmpLib, "rb") as f:
			digest = hashlib.sha256(f.read()).hexdigest()
		os.replace(tmpLib, path)  # atomic: concurrent processes never load a half-written object
		_writeAtomic(directory, path + ".sha256", digest + "\n")
	finally:
		for leftover in (tmpSrc, tmpLib):
			if os.path.exists(leftover):
				os.remove(leftover)


_loaded = {}


def loadedCount():
	"""How many objects this process has loaded (0: the OpenMP runtime has not started)."""
	return len(_loaded)


def load(source, name):
	"""The ctypes library built from source, compiling it only when no intact cached copy exists."""
	try:
		key = cacheKey(source)
	except CompilerError as e:  # no usable compiler: nothing can be keyed or built
		raise CompilerError("%s (kernel %s's source in %s)" % (e, name, _logFailure(cacheDir(), name, source, str(e)))) from None

	lib = _loaded.get(key)
	if lib is not None:
		return lib

	directory = cacheDir()
	path = os.path.join(directory, "%s_%s.so" % (name, key))
	if not isIntact(path):
		_build(directory, source, name, path)

	lib = ctypes.CDLL(path)
	_loaded[key] = lib
	return lib


def typedFunction(source, name, dtype, argtypes, restype=None):
	"""The C function fw_<name> of source built with T as dtype's C type (float32 or float64), prototyped for ctypes.

	An entry "T" in argtypes stands for a scalar of that type.
	"""
	dtype = np.dtype(dtype)
	scalar = np.ctypeslib.as_ctypes_type(dtype)
	fn = getattr(load(typedefT(dtype) + source, "%s_%s" % (name, dtype.name)), "fw_" + name)
	fn.argtypes = [scalar if argtype == "T" else argtype for argtype in argtypes]
	fn.restype = restype
	return fn
