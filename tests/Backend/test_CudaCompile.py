"""Every CUDA kernel the framework can build compiles with nvcc, on a machine without a GPU.

Every ElementwiseKernel/ReductionKernel registers itself when declared (options are declared as one kernel per
variant at import), so importing every framework module and building each declaration for each dtype through
the CUDA backend's own code (Backend/Cuda/Kernels.py handing the source to PyCUDA) reaches every source the
GPU would compile. Only PyCUDA's loading step is replaced: `pycuda.compiler.SourceModule` compiles the source
for sm_80 and sm_90 and loads nothing, so no driver and no context are needed.

Needs PyCUDA and nvcc; .ci/run installs both (PyCUDA from ../shared/cuda, nvcc and a stand-in driver from
../shared/cuda/nvcc-toolchain.sh) and sets FRAMEWORK_CUDA_COMPILE_CHECK=1, which turns a missing toolchain from
a skip into a failure.
"""
import concurrent.futures
import importlib
import os
import pkgutil
import shutil
import sys

import numpy as np
import pytest

import framework
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel, declaredKernels

ARCHS = ("sm_80", "sm_90")
REQUIRED = os.environ.get("FRAMEWORK_CUDA_COMPILE_CHECK") == "1"


def requirePyCuda():
	"""pycuda.compiler, or a skip (a failure when .ci/run promised the toolchain)."""
	problem = None
	if shutil.which("nvcc") is None:
		problem = "nvcc is not on PATH"
	else:
		try:
			return importlib.import_module("pycuda.compiler")
		except ImportError as e:  # no PyCUDA, or no libcuda.so.1 (real or stand-in) for its driver module
			problem = "PyCUDA does not import: %s" % e
	if REQUIRED:
		pytest.fail("FRAMEWORK_CUDA_COMPILE_CHECK=1 but %s" % problem)
	pytest.skip(problem + " (run eval \"$(bash ../shared/cuda/nvcc-toolchain.sh)\" with PyCUDA installed)")


def importEveryFrameworkModule():
	for info in pkgutil.walk_packages(framework.__path__, "framework."):
		if not info.name.endswith("__main__"):
			importlib.import_module(info.name)


class CompileOnlyModule:
	"""Stands in for pycuda.compiler.SourceModule: records the source PyCUDA generated and loads nothing."""

	def __init__(self, source, nvcc="nvcc", options=None, keep=False, no_extern_c=False, arch=None, code=None,
				 cache_dir=None, include_dirs=()):
		self.source, self.options, self.noExternC, self.includeDirs = source, options, no_extern_c, list(include_dirs)
		CompileOnlyModule.built.append(self)


	def get_function(self, name):
		return CompileOnlyFunction()


class CompileOnlyFunction:
	"""What PyCUDA asks of a loaded function while building a kernel; it is never launched."""

	def prepare(self, *args, **kwargs):
		return self


	def prepared_async_call(self, *args, **kwargs):
		raise AssertionError("the compile check launched a kernel")


def test_importingTheCudaBackendMakesNoContext():
	requirePyCuda()
	cuda = importlib.import_module("framework.Backend.Cuda")
	importlib.import_module("framework.Backend.Cuda.Kernels")
	assert "pycuda.autoprimaryctx" not in sys.modules and "pycuda.autoinit" not in sys.modules
	assert callable(cuda.activate)


def test_everyKernelCompilesForSm80AndSm90(monkeypatch):
	compiler = requirePyCuda()
	importEveryFrameworkModule()
	cuda = importlib.import_module("framework.Backend.Cuda")

	kernels = [k for k in declaredKernels() if k.module.startswith("framework.")]
	monkeypatch.setattr(compiler, "SourceModule", CompileOnlyModule)
	CompileOnlyModule.built = []

	instances = []  # (kernel name, dtype, the sources PyCUDA generated for it)
	for kernel in kernels:
		for dtype in kernel.dtypes():
			first = len(CompileOnlyModule.built)
			kernel.build(cuda, dtype)
			instances.append((kernel.name, dtype, CompileOnlyModule.built[first:]))

	def compileOne(module, arch):
		try:
			# cache_dir=False: PyCUDA's cache preprocesses every source to key it, one more nvcc run per kernel.
			compiler.compile(module.source, options=module.options, no_extern_c=module.noExternC, arch=arch,
				include_dirs=module.includeDirs, cache_dir=False)
		except Exception as e:  # pycuda.driver.CompileError with nvcc's message
			return str(e)
		return None

	jobs = [(name, dtype, arch, module) for name, dtype, modules in instances for module in modules for arch in ARCHS]
	with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
		errors = list(pool.map(lambda job: compileOne(job[3], job[2]), jobs))

	failed = sorted({(name, str(dtype), arch, error.splitlines()[-3:].__str__()) for (name, dtype, arch, _), error in zip(jobs, errors) if error})
	compiled = len({(name, dtype) for name, dtype, _ in instances}) - len({(name, dtype) for name, dtype, _, _ in failed})
	print("CUDA compile check: %d of %d kernel instances compile for %s (%d nvcc runs)" % (
		compiled, len(instances), " and ".join(ARCHS), len(jobs)
	))
	assert not failed, "kernels nvcc rejects:\n" + "\n".join("%s [%s, %s]: %s" % f for f in failed)

	# Every declaration was reached: both dtypes of each generic kernel, reductions as two stages, the options.
	names = {name for name, _, _ in instances}
	assert {"adamStep", "rpropPlusStep", "irpropPlusStep", "rmspropStepCME", "sumSquaresHook", "sharedAdd"} <= names
	assert len(instances) == sum(len(k.dtypes()) for k in kernels) >= 170
	assert all(len(modules) == (2 if isinstance(k, ReductionKernel) else 1)
		for k in kernels for name, _, modules in instances if name == k.name)
	assert any(isinstance(k, ElementwiseKernel) for k in kernels)
	assert {dtype for _, dtype, _ in instances} >= {np.dtype(np.float32), np.dtype(np.float64)}
