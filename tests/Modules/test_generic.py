"""Tests that run over every entry of MODULE_CASES: gradients, dtypes, shapes, bad dtypes."""
import numpy as np
import pytest

from framework import Config
from framework.Backend import gpuarray

from tests.gradcheck import _numeric, checkModuleGrad
from tests.Modules.cases import MODULE_CASES, publicModuleClasses

CASES = pytest.mark.parametrize("case", MODULE_CASES, ids=[case.id for case in MODULE_CASES])


def _reseedEachForward(module, seed=7):
	"""Fixes a random training forward (Dropout's mask) by reseeding the device RNG before every call."""
	forward = module.updateData

	def seeded(data):
		Config.setSeed(seed)
		return forward(data)

	module.updateData = seeded
	return module


def _host(x):
	return [a.get() for a in x] if isinstance(x, list) else x.get()


def _weights(out, rng):
	if isinstance(out, list):
		return [rng.standard_normal(o.shape) for o in out]
	return rng.standard_normal(out.shape)


def _toDevice(w):
	return [gpuarray.to_gpu(a) for a in w] if isinstance(w, list) else gpuarray.to_gpu(w)


def _loss(out, w):
	outs, ws = (out, w) if isinstance(out, list) else ([out], [w])
	return sum(float((o.get() * a).sum()) for o, a in zip(outs, ws))


def test_everyPublicModuleHasACase():
	covered = {case.cls for case in MODULE_CASES}
	missing = [cls.__name__ for cls in publicModuleClasses() if cls not in covered]
	assert not missing, "framework.Modules exports classes without a MODULE_CASES entry: %s" % missing
	# the ones the layer issue asks for must be among the exports
	assert {cls.__name__ for cls in publicModuleClasses()} >= {
		"Linear", "Conv2D", "MaxPool2D", "AvgPool2D", "Activation", "SoftMax", "Dropout", "BatchNorm1D", "BatchNorm2D",
		"Flatten", "Reshape", "Concat", "Split", "Add", "Replicate", "Identity", "Embedder"
	}


def _checkGradients(case, module, data, rng):
	if "intInput" in case.flags:
		# only the parameters have a gradient: check them against central differences directly
		out = module(data)
		w = rng.standard_normal(out.shape)
		module.backward(gpuarray.to_gpu(w))
		for var, names in module.getVarTable().items():
			np.testing.assert_allclose(var.grad.get(), _numeric(lambda: _loss(module(data), w), var.data, 1e-6),
									   rtol=1e-5, atol=1e-7, err_msg=names[0])
	else:
		checkModuleGrad(module, data, rng)


@CASES
def test_gradientTrainMode(case, rng):
	module, data = case.build(rng)
	module.trainMode()
	if "randomTrain" in case.flags:
		_reseedEachForward(module)
	_checkGradients(case, module, data, rng)


@CASES
def test_gradientEvalMode(case, rng):
	"""Eval mode switches behaviour (dropout off, running statistics) but still yields parameter gradients, as in PyTorch."""
	module, data = case.build(rng)
	module.evalMode()
	_checkGradients(case, module, data, rng)


@CASES
def test_float32AgreesWithFloat64(case, rng):
	module, data = case.build(rng)
	if "randomTrain" in case.flags:
		module.evalMode()  # float32 and float64 draw different uniform streams
	out64 = _host(module(data))

	module.calcMode(np.float32)
	assert all(var.dtype == np.float32 for var in module.getVarTable())
	assert all(ary.dtype == np.float32 for ary in module.getAttrTable().values())

	cast = lambda x: x if x.dtype == np.int32 else gpuarray.to_gpu(x.get().astype(np.float32))
	data32 = [cast(x) for x in data] if isinstance(data, list) else cast(data)
	out32 = module(data32)
	grad32 = module.backward(_toDevice(
		[np.ones(o.shape, np.float32) for o in out32] if isinstance(out32, list) else np.ones(out32.shape, np.float32)
	))

	for a, b in zip(*(([out32], [out64]) if not isinstance(out32, list) else (out32, out64))):
		assert a.dtype == np.float32
		np.testing.assert_allclose(a.get(), b, rtol=1e-4, atol=1e-5)
	if grad32 is not None:
		assert all(g.dtype == np.float32 for g in (grad32 if isinstance(grad32, list) else [grad32]))


@CASES
def test_outputShapeIsDataShapeFrom(case, rng):
	module, data = case.build(rng)
	out = module(data)
	shapes = [x.shape for x in data] if isinstance(data, list) else data.shape
	expected = module.dataShapeFrom(shapes)
	if isinstance(out, list):
		assert [tuple(o.shape) for o in out] == [tuple(s) for s in expected]
	else:
		assert tuple(out.shape) == tuple(expected)


@CASES
def test_wrongDtypeIsATypeErrorNamingTheModule(case, rng):
	module, data = case.build(rng)
	cast = lambda x: gpuarray.to_gpu(x.get().astype(np.float32))
	bad = [cast(x) for x in data] if isinstance(data, list) else cast(data)
	with pytest.raises(TypeError, match=r"%s.*(float64|int32).*float32" % case.cls.__name__):
		module(bad)


@CASES
def test_backwardRejectsAMisshapedGradient(case, rng):
	module, data = case.build(rng)
	out = module(data)
	wrong = lambda o: gpuarray.zeros((o.shape[0] + 1, ) + tuple(o.shape[1:]), np.float64)
	bad = [wrong(o) for o in out] if isinstance(out, list) else wrong(out)
	with pytest.raises(ValueError, match=case.cls.__name__):
		module.backward(bad)


PARAM_CASES = [case for case in MODULE_CASES if case.build(np.random.default_rng(0))[0].getVarTable()]


@pytest.mark.parametrize("case", PARAM_CASES, ids=[case.id for case in PARAM_CASES])
def test_parameterGradientsAccumulate(case, rng):
	module, data = case.build(rng)
	if "randomTrain" in case.flags:
		_reseedEachForward(module)

	out = module(data)
	grad = _toDevice(_weights(out, rng))
	module.backward(grad)
	once = {var: var.grad.get() for var in module.getVarTable()}
	assert any(np.any(g) for g in once.values())

	module(data)
	module.backward(grad)
	for var, names in module.getVarTable().items():
		np.testing.assert_allclose(var.grad.get(), 2 * once[var], rtol=1e-12, atol=1e-12, err_msg=names[0])
