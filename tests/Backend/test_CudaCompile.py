"""Every CUDA kernel the framework can build compiles with nvcc, on a machine without a GPU.

Every ElementwiseKernel/ReductionKernel registers itself when declared (options are declared as one kernel per
variant at import), so importing every framework module and building each declaration for each dtype through
the CUDA backend's own code (Backend/Cuda/Kernels.py handing the source to PyCUDA) reaches every source the
GPU would compile. Only PyCUDA's loading step is replaced: `pycuda.compiler.SourceModule` compiles the source
for sm_80 and sm_90 and loads nothing, so no driver and no context are needed.

The check runs in a child process (this file run as a script), the only one that loads PyCUDA: the stand-in
driver of ../shared/cuda/nvcc-toolchain.sh crashes PyCUDA's driver init (which Config's backend detection
calls), so it must not reach the test run itself. .ci/run installs PyCUDA from ../shared/cuda, puts nvcc on
PATH, passes the stand-in's directory as FRAMEWORK_CUDA_STUB_LIBS and sets FRAMEWORK_CUDA_COMPILE_CHECK=1,
which turns a missing toolchain from a skip into a failure. By hand:

	eval "$(bash ../shared/cuda/nvcc-toolchain.sh)"; python tests/Backend/test_CudaCompile.py
"""
import concurrent.futures
import importlib
import importlib.util
import json
import os
import pathlib
import pkgutil
import shutil
import subprocess
import sys

import pytest

ARCHS = ("sm_80", "sm_90")
ROOT = pathlib.Path(__file__).resolve().parents[2]


class CompileOnlyModule:
	"""Stands in for pycuda.compiler.SourceModule: records the source PyCUDA generated and loads nothing."""
	built = []

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


def check():
	"""Builds and compiles every declared kernel; returns a JSON-able report. Runs in the child process."""
	import pycuda.compiler as compiler

	import framework
	from framework.Backend.Kernels import ReductionKernel, declaredKernels

	cuda = importlib.import_module("framework.Backend.Cuda")
	contextAtImport = sorted(m for m in ("pycuda.autoprimaryctx", "pycuda.autoinit") if m in sys.modules)
	for info in pkgutil.walk_packages(framework.__path__, "framework."):
		if not info.name.endswith("__main__"):
			importlib.import_module(info.name)

	compiler.SourceModule = CompileOnlyModule
	instances = []  # (kernel, dtype name, the sources PyCUDA generated for that instance)
	for kernel in declaredKernels():
		for dtype in kernel.dtypes():
			first = len(CompileOnlyModule.built)
			kernel.build(cuda, dtype)
			instances.append((kernel, str(dtype), CompileOnlyModule.built[first:]))

	def compileOne(job):
		module, arch = job[2], job[3]
		try:
			# cache_dir=False: PyCUDA's cache preprocesses every source to key it, one more nvcc run per kernel.
			compiler.compile(module.source, options=module.options, no_extern_c=module.noExternC, arch=arch,
				include_dirs=module.includeDirs, cache_dir=False)
		except Exception as e:  # pycuda.driver.CompileError with nvcc's message
			return str(e)
		return None

	jobs = [(kernel.name, dtype, module, arch) for kernel, dtype, modules in instances for module in modules for arch in ARCHS]
	with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
		errors = list(pool.map(compileOne, jobs))

	return {
		"contextAtImport": contextAtImport,
		"instances": [
			[kernel.name, kernel.module, dtype, isinstance(kernel, ReductionKernel), len(modules)] for kernel, dtype, modules in instances
		],
		"nvccRuns": len(jobs),
		"failed": [[name, dtype, arch, error] for (name, dtype, _, arch), error in zip(jobs, errors) if error],
	}


def runCheck():
	"""Runs check() in a child process with the toolchain and returns its report; skips (or fails) without one."""
	if shutil.which("nvcc") is None:
		problem = "nvcc is not on PATH"
	elif importlib.util.find_spec("pycuda") is None:
		problem = "PyCUDA is not installed"
	else:
		env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
		stubs = os.environ.get("FRAMEWORK_CUDA_STUB_LIBS")
		if stubs:
			env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [stubs, os.environ.get("LD_LIBRARY_PATH")]))
		result = subprocess.run([sys.executable, __file__, "--json"], capture_output=True, text=True, env=env, cwd=ROOT)
		if result.returncode == 0:
			return json.loads(result.stdout.splitlines()[-1])
		if "No module named 'pycuda'" not in result.stderr and "libcuda.so" not in result.stderr:
			pytest.fail("the CUDA compile check crashed:\n" + result.stderr[-4000:])
		problem = "PyCUDA does not import: " + result.stderr.strip().splitlines()[-1]

	if os.environ.get("FRAMEWORK_CUDA_COMPILE_CHECK") == "1":
		pytest.fail("FRAMEWORK_CUDA_COMPILE_CHECK=1 but %s" % problem)
	pytest.skip(problem + " (see this file's docstring for the toolchain)")


def test_everyKernelCompilesForSm80AndSm90WithoutAContext():
	report = runCheck()
	print("CUDA compile check: %d of %d kernel instances compile for %s (%d nvcc runs)" % (
		len(report["instances"]) - len({(f[0], f[1]) for f in report["failed"]}), len(report["instances"]),
		" and ".join(ARCHS), report["nvccRuns"]
	))

	# Importing the CUDA backend made no context (activate() does, on first use).
	assert report["contextAtImport"] == []
	assert not report["failed"], "kernels nvcc rejects:\n" + "\n".join(
		"%s [%s, %s]: %s" % (name, dtype, arch, "\n".join(error.splitlines()[-6:])) for name, dtype, arch, error in report["failed"]
	)

	# Every declaration was reached: both dtypes of each generic kernel, two stages per reduction, the options.
	instances = [i for i in report["instances"] if i[1].startswith("framework.")]
	names = {i[0] for i in instances}
	assert {"adamStep", "rpropPlusStep", "irpropPlusStep", "rmspropStepCME", "sumSquaresHook", "sharedAdd"} <= names
	assert {i[2] for i in instances} >= {"float32", "float64"}
	assert len(instances) >= 170
	assert all(modules == (2 if isReduction else 1) for _, _, _, isReduction, modules in instances)


if __name__ == "__main__":
	print(json.dumps(check()) if "--json" in sys.argv else json.dumps(check(), indent=1))
