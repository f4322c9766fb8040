import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel, declaredKernels, specialize

axpbyz = ElementwiseKernel(
	"T *z, const T *x, const T *y, T a, T b", "z[i] = a * x[i] + b * y[i]", "testAxpbyz"
)

# Several statements, a local, a ternary clamp, math functions and float literals: what optimizer kernels use.
fused = ElementwiseKernel(
	"T *param, T *state, const T *grad, T lr",
	"T g = grad[i]; state[i] = 0.9 * state[i] + 0.1 * g * g; "
	"T d = sqrtf(state[i]) + 1e-8; T step = lr * g / d; param[i] -= step > 1.0 ? 1.0 : step",
	"testFused"
)

sumSquares = ReductionKernel("T", "0", "a + b", "x[i] * x[i]", "const T *x", "testSumSquares")
maxAbs = ReductionKernel("T", "0", "a > b ? a : b", "fabsf(x[i])", "const T *x", "testMaxAbs")
dotInt = ReductionKernel(np.int64, "0", "a + b", "(long)(x[i] > 0)", "const float *x", "testCountPositive")


def fusedReference(param, state, grad, lr):
	state = 0.9 * state + 0.1 * grad * grad
	step = lr * grad / (np.sqrt(state) + 1e-8)
	return param - np.minimum(step, 1.0), state


sizes = st.sampled_from([0, 1, 2, 7, 8, 15, 16, 17, 31, 33, 100, 1023, 40000, 70001])


@settings(max_examples=25, deadline=None)
@given(size=sizes, data=st.data())
def test_elementwiseMatchesNumpyOnRangesAndOddSizes(size, data):
	dtype = data.draw(st.sampled_from([np.float32, np.float64]))
	start = data.draw(st.integers(0, size))
	stop = data.draw(st.integers(start, size))
	rng = np.random.default_rng(size)

	x, y = rng.standard_normal(size).astype(dtype), rng.standard_normal(size).astype(dtype)
	z = rng.standard_normal(size).astype(dtype)
	gz = gpuarray.to_gpu(z)

	axpbyz(gz, gpuarray.to_gpu(x), gpuarray.to_gpu(y), 2.0, -0.5, range=slice(start, stop))

	expected = z.copy()
	expected[start:stop] = dtype(2.0) * x[start:stop] + dtype(-0.5) * y[start:stop]
	np.testing.assert_allclose(gz.get(), expected, rtol=1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("size", [1, 9, 1000, 100003])
def test_fusedStepMatchesNumpy(dtype, size, rng):
	param, grad = rng.standard_normal(size).astype(dtype), rng.standard_normal(size).astype(dtype)
	state = rng.random(size).astype(dtype)
	gp, gs = gpuarray.to_gpu(param), gpuarray.to_gpu(state)

	fused(gp, gs, gpuarray.to_gpu(grad), 0.5)
	expParam, expState = fusedReference(param, state, grad, dtype.type(0.5))

	tol = 2e-6 if dtype == np.float32 else 1e-14
	np.testing.assert_allclose(gs.get(), expState, rtol=tol)
	np.testing.assert_allclose(gp.get(), expParam, rtol=tol, atol=tol)


def test_float64InstanceComputesInDoublePrecision():
	# sqrtf would round to float32: 2 + 1e-12 must survive in the float64 instance.
	k = ElementwiseKernel("T *x", "x[i] = sqrtf(x[i]) * sqrtf(x[i]) + 1e-12", "testPrecision")
	x = gpuarray.to_gpu(np.array([2.0], np.float64))
	k(x)
	assert abs(x.get()[0] - (2.0 + 1e-12)) < 1e-15


def test_specializeRewritesLiteralsAndMath():
	source = "x = sqrtf(a) + 0.5 * b + 1e-8 + 2.f + 3"
	assert specialize(source, np.float32) == "x = sqrtf(a) + 0.5f * b + 1e-8f + 2.f + 3"
	assert specialize(source, np.float64) == "x = sqrt(a) + 0.5 * b + 1e-8 + 2. + 3"


def test_indexAndSizeAreAvailable():
	k = ElementwiseKernel("float *x", "x[i] = (float)(fw_n - i)", "testIndexSize")
	x = gpuarray.zeros(5, np.float32)
	k(x)
	np.testing.assert_array_equal(x.get(), [5, 4, 3, 2, 1])


def test_preambleIsShared():
	k = ElementwiseKernel("T *x", "x[i] = twice(x[i])", "testPreamble", preamble="static inline T twice(T v) { return v + v; }")
	x = gpuarray.to_gpu(np.array([1.5, -2.0]))
	k(x)
	np.testing.assert_array_equal(x.get(), [3.0, -4.0])


@pytest.mark.parametrize("size", [0, 1, 17, 100000])
def test_reductionsMatchNumpy(dtype, size, rng):
	x = rng.standard_normal(size).astype(dtype)
	gx = gpuarray.to_gpu(x)

	result = sumSquares(gx)
	assert result.shape == () and result.dtype == dtype
	np.testing.assert_allclose(result.get(), (x.astype(np.float64) ** 2).sum(), rtol=1e-4 if dtype == np.float32 else 1e-12)
	np.testing.assert_allclose(maxAbs(gx).get(), np.abs(x).max() if size else 0)


def test_reductionOnRangeAndIntegerOutput(rng):
	x = rng.standard_normal(1000).astype(np.float32)
	gx = gpuarray.to_gpu(x)
	np.testing.assert_allclose(sumSquares(gx, range=slice(100, 250)).get(), (x[100:250] ** 2).sum(), rtol=1e-5)

	count = dotInt(gx)
	assert count.dtype == np.int64 and int(count.get()) == int((x > 0).sum())


def test_wrongArgumentsAreClearErrors():
	x32, x64 = gpuarray.zeros(4, np.float32), gpuarray.zeros(4, np.float64)
	with pytest.raises(TypeError, match=r"testAxpbyz: expected 5 arguments \(z, x, y, a, b\), got 2"):
		axpbyz(x32, x32)
	with pytest.raises(TypeError, match="testAxpbyz: argument 'x' must have dtype float32, got float64"):
		axpbyz(x32, x64, x32, 1.0, 1.0)
	with pytest.raises(TypeError, match="argument 'y' must be a device array, got ndarray"):
		axpbyz(x32, x32, np.zeros(4, np.float32), 1.0, 1.0)
	with pytest.raises(TypeError, match="argument 'a' must be a scalar"):
		axpbyz(x32, x32, x32, x32, 1.0)
	with pytest.raises(TypeError, match="argument 'z' must be a float32 or float64 array, got int32"):
		axpbyz(gpuarray.zeros(4, np.int32), x32, x32, 1.0, 1.0)
	with pytest.raises(ValueError, match="range 2:9 outside the first array"):
		axpbyz(x32, x32, x32, 1.0, 1.0, range=slice(2, 9))


def test_badDeclarationsAreClearErrors():
	with pytest.raises(ValueError, match="unsupported type 'complex'"):
		ElementwiseKernel("complex *x", "x[i] = 0", "bad1")
	with pytest.raises(ValueError, match="cannot parse argument"):
		ElementwiseKernel("float *x, 1y", "x[i] = 0", "bad2")
	with pytest.raises(ValueError, match="needs at least one 'T \\*' array"):
		ElementwiseKernel("float *x, T a", "x[i] = a", "bad3")
	with pytest.raises(ValueError, match="C identifier"):
		ElementwiseKernel("float *x", "x[i] = 0", "bad name")


def test_compileErrorShowsNumberedSource():
	k = ElementwiseKernel("float *x", "x[i] = undefined_symbol", "testBroken")
	with pytest.raises(RuntimeError) as info:
		k(gpuarray.zeros(2, np.float32))
	message = str(info.value)
	assert "testBroken failed to compile" in message and "undefined_symbol" in message
	with open(message.rsplit(" in ", 1)[1].rstrip(")")) as log:  # the numbered source is in the log the message names
		assert "   1 | " in log.read()


def _runKernelInFreshProcess(cacheDir, env):
	script = textwrap.dedent("""
		import numpy as np
		from framework.Backend import gpuarray
		from framework.Backend.Kernels import ElementwiseKernel
		from framework.Backend.Cpu import Compiler
		k = ElementwiseKernel("T *x", "x[i] += 1", "cacheProbe")
		x = gpuarray.zeros(3, np.float32)
		k(x)
		assert x.get().tolist() == [1, 1, 1]
		print(Compiler.compileCount)
	""")
	env = dict(env, FRAMEWORK_CACHE_DIR=str(cacheDir), FRAMEWORK_BACKEND="cpu")
	result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=os.getcwd())
	assert result.returncode == 0, result.stderr
	return int(result.stdout.split()[-1])


def test_cacheHitOnSecondProcessStart(tmp_path):
	env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
	assert _runKernelInFreshProcess(tmp_path, env) == 1
	assert _runKernelInFreshProcess(tmp_path, env) == 0
	assert any(name.startswith("cacheProbe_") and name.endswith(".so") for name in os.listdir(tmp_path))


def test_missingCompilerNamesWhatToInstall(tmp_path):
	script = textwrap.dedent("""
		import numpy as np
		from framework.Backend import gpuarray
		from framework.Backend.Kernels import ElementwiseKernel
		ElementwiseKernel("T *x", "x[i] += 2", "needsCompiler")(gpuarray.zeros(3, np.float32))
	""")
	env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), CC="no-such-compiler-xyz",
		FRAMEWORK_CACHE_DIR=str(tmp_path), FRAMEWORK_BACKEND="cpu")
	result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
	assert result.returncode != 0
	assert "needs a C compiler" in result.stderr and "install gcc" in result.stderr


def test_reductionArgumentsMayUseAnyName(rng):
	# Names the generated C uses internally must not collide with the user's arguments (PyCUDA's `acc` is
	# reserved and refused at declaration: tests/Backend/test_Kernels.py::test_reservedNamesAreRefusedAtDeclaration).
	k = ReductionKernel(
		"T", "0", "a + b", "t[i] * partial[i] + lo + start + stop", "const T *t, const T *partial, T lo, int start, int stop",
		"testNames"
	)
	t, partial = rng.standard_normal(50), rng.standard_normal(50)
	np.testing.assert_allclose(k(gpuarray.to_gpu(t), gpuarray.to_gpu(partial), 0.5, 1, 2).get(), (t * partial + 3.5).sum())


def test_argumentNamedNIsAllowed():
	# `n` used to be the backends' element count, so a kernel argument named n failed to compile.
	k = ElementwiseKernel("T *x, const T *n", "x[i] = n[i] + (T)fw_n", "testArgumentN")
	x = gpuarray.zeros(4, np.float64)
	k(x, gpuarray.to_gpu(np.arange(4.0)))
	np.testing.assert_array_equal(x.get(), np.arange(4.0) + 4)


@pytest.mark.parametrize("declare, name", [
	(lambda: ElementwiseKernel("T *x, T step", "x[i] = step", "testReservedStep"), "step"),
	(lambda: ElementwiseKernel("T *x, long start", "x[i] = start", "testReservedStart"), "start"),
	(lambda: ElementwiseKernel("T *x, T fw_scale", "x[i] = fw_scale", "testReservedPrefix"), "fw_scale"),
	(lambda: ReductionKernel("T", "0", "a + b", "out[i]", "const T *out", "testReservedOut"), "out"),
	(lambda: ReductionKernel("T", "0", "a + b", "x[i] * acc", "const T *x, T acc", "testReservedAcc"), "acc"),
	(lambda: ReductionKernel("T", "0", "a + b", "x[i] * n", "const T *x, int n", "testReservedN"), "n"),
])
def test_reservedNamesAreRefusedAtDeclaration(declare, name):
	# PyCUDA's generated kernels declare these (start/stop/step, out/n/acc, ...): nvcc would fail with
	# "duplicate parameter name" on the first GPU run, so they are refused on the CPU too, when declared.
	with pytest.raises(ValueError, match=r"kernel testReserved\w+: argument name '%s' is reserved" % name):
		declare()


@pytest.mark.parametrize("ctype, bad, good", [
	("int", [2 ** 31, -2 ** 31 - 1, np.int64(2 ** 40)], [2 ** 31 - 1, -2 ** 31, np.int64(7), np.uint8(3)]),
	("unsigned int", [-1, 2 ** 32], [0, 2 ** 32 - 1]),
	("long", [2 ** 63, -2 ** 63 - 1], [2 ** 63 - 1, -2 ** 63]),
	("unsigned long", [-1, 2 ** 64], [0, 2 ** 64 - 1]),
	("short", [2 ** 15], [-2 ** 15]),
])
def test_integerArgumentsAreRangeChecked(ctype, bad, good):
	k = ElementwiseKernel("double *x, %s k" % ctype, "x[i] = (double)k", "testIntRange" + ctype.replace(" ", ""))
	x = gpuarray.zeros(3, np.float64)
	for value in bad:
		with pytest.raises(ValueError, match=r"kernel testIntRange\w+: argument 'k' \(\w+\) must be within"):
			k(x, value)
	for value in good:
		k(x, value)
		np.testing.assert_array_equal(x.get(), np.full(3, float(value)))
	for value in [3.0, True, "3"]:
		with pytest.raises(TypeError, match=r"kernel testIntRange\w+: argument 'k' must be"):
			k(x, value)


def test_arraysReadAtIMustHoldTheLaunch():
	copy = ElementwiseKernel("T *y, const T *x", "y[i] = x[i]", "testReadPast")
	y, x = gpuarray.zeros(10, np.float32), gpuarray.to_gpu(np.arange(5, dtype=np.float32))
	with pytest.raises(ValueError, match=r"kernel testReadPast: argument 'x' \(read as x\[i\]\) has 5 elements, but the launch covers items 0:10"):
		copy(y, x)
	copy(y, x, range=slice(0, 5))
	np.testing.assert_array_equal(y.get()[:5], np.arange(5))

	dot = ReductionKernel("T", "0", "a + b", "a[i] * b[i]", "const T *a, const T *b", "testReducePast")
	with pytest.raises(ValueError, match=r"kernel testReducePast: argument 'b'"):
		dot(y, x)
	assert dot(y, x, range=slice(1, 4)).get() == pytest.approx(1 + 4 + 9)

	# Arrays read at other indices (a bias read as b[i % cols]) are the caller's to size.
	bias = ElementwiseKernel("T *y, const T *b, int cols", "y[i] += b[i % cols]", "testBiasNotChecked")
	bias(y, gpuarray.to_gpu(np.ones(2, np.float32)), 2)
	np.testing.assert_array_equal(y.get()[:5], np.arange(5) + 1)


def test_everyDeclarationIsRegistered():
	k = ElementwiseKernel("T *x", "x[i] = 0", "testRegistered")
	r = ReductionKernel("T", "0", "a + b", "x[i]", "const T *x", "testRegisteredReduction")
	declared = declaredKernels()
	assert k in declared and r in declared and axpbyz in declared
	assert k.dtypes() == (np.dtype(np.float32), np.dtype(np.float64))
	assert ElementwiseKernel("float *x", "x[i] = 0", "testRegisteredFloat").dtypes() == (None, )
