"""Makes scikit-cuda 0.5.3 find the CUDA 12/13 libraries.

scikit-cuda looks only for unversioned names and sonames up to 10.x, so with a
current toolkit (libcublas.so.12 or .13, from the toolkit or from the pip
package nvidia-cublas-cu12/13) its import fails with "cublas library not found".
We locate each library ourselves and, for the duration of that one import,
answer scikit-cuda's ctypes lookups with the real paths.
"""
import contextlib
import ctypes
import glob
import importlib
import os
import shutil
import sys

# The library stem scikit-cuda asks for, and where the pip packages of NVIDIA put it.
LIBRARIES = {"libcublas.so": "cublas", "libcudart.so": "cuda_runtime", "libcuda.so": None, "libcusolver.so": "cusolver"}


def searchDirs():
	"""Directories to look in, most specific first: CUDA_HOME/CUDA_PATH, nvcc's toolkit, NVIDIA pip packages, system."""
	dirs = []
	for var in ("CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"):
		if os.environ.get(var):
			dirs += [os.path.join(os.environ[var], "lib64"), os.path.join(os.environ[var], "lib")]

	nvcc = shutil.which("nvcc")
	if nvcc is not None:
		root = os.path.dirname(os.path.dirname(os.path.realpath(nvcc)))
		dirs += [os.path.join(root, "lib64"), os.path.join(root, "lib")]

	for base in sys.path:
		dirs += sorted(glob.glob(os.path.join(base, "nvidia", "*", "lib")))

	dirs += os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep)
	dirs += ["/usr/local/cuda/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64"]
	return [d for d in dirs if d and os.path.isdir(d)]


def findLibrary(stem, dirs=None):
	"""Full path of the newest `stem` (e.g. 'libcublas.so') in dirs: the unversioned name, else the highest version."""
	for directory in searchDirs() if dirs is None else dirs:
		exact = os.path.join(directory, stem)
		if os.path.exists(exact):
			return exact

		versioned = glob.glob(exact + ".*")
		if versioned:
			def version(path):
				return tuple(int(p) if p.isdigit() else -1 for p in path[len(exact) + 1:].split("."))
			return max(versioned, key=version)
	return None


@contextlib.contextmanager
def redirectedLoads(paths):
	"""Temporarily maps ctypes.cdll.LoadLibrary('libX.so[.N]') onto the paths found."""
	original = ctypes.cdll.LoadLibrary

	def load(name):
		for stem, path in paths.items():
			if path is not None and (name == stem or name.startswith(stem + ".")):
				return original(path)
		return original(name)

	ctypes.cdll.LoadLibrary = load
	try:
		yield
	finally:
		ctypes.cdll.LoadLibrary = original


def importCublas():
	"""skcuda.cublas, imported with the library lookups redirected; a clear error when cuBLAS is absent."""
	paths = {stem: findLibrary(stem) for stem in LIBRARIES}
	if paths["libcublas.so"] is None:
		raise ImportError(
			"framework CUDA backend: cuBLAS not found; install the CUDA toolkit (set CUDA_HOME) "
			"or pip install nvidia-cublas-cu12"
		)

	with redirectedLoads(paths):
		return importlib.import_module("skcuda.cublas")
