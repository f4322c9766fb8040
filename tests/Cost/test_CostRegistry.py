"""Generic checks over every registered cost: gradient check, PyTorch equality, interface."""
import inspect
import warnings

import numpy as np
import pytest

import framework.Cost as costs
from framework.Backend import gpuarray
from framework.Cost import Cost
from tests.Cost.cases import COST_CASES, tensor
from tests.gradcheck import checkCostGrad


def test_registryListsEveryCost():
	public = {name for name, obj in vars(costs).items() if inspect.isclass(obj) and issubclass(obj, Cost) and obj is not Cost}
	registered = {key.split(":")[0] for key in COST_CASES}
	assert not public - registered, "costs missing from tests/Cost/cases.py: %s" % sorted(public - registered)
	assert public == {"MSE", "Abs", "SmoothL1", "CrossEntropy", "BCE", "Hinge", "KLDivergence"}


def device(pred, target):
	return gpuarray.to_gpu(pred), gpuarray.to_gpu(target)


@pytest.mark.parametrize("name", sorted(COST_CASES))
def test_gradcheck(name, rng):
	case = COST_CASES[name]
	checkCostGrad(case.make(), *device(*case.data(rng, np.float64)))


@pytest.mark.parametrize("name", sorted(COST_CASES))
def test_equalsTorch(name, rng, dtype):
	torch = pytest.importorskip("torch")
	case = COST_CASES[name]
	pred, target = case.data(rng, dtype)

	error, grad = case.make()(*device(pred, target))
	p = torch.from_numpy(pred.copy()).requires_grad_(True)
	with warnings.catch_warnings():
		warnings.simplefilter("ignore")  # KLDivLoss warns about reduction="mean"
		loss = case.torchLoss(torch, p, tensor(torch, target))
	loss.backward()

	assert isinstance(error, float)
	tol = 1e-6 if dtype == np.float32 else 1e-12
	np.testing.assert_allclose(error, loss.item(), rtol=tol * 10, atol=tol)
	assert grad.dtype == dtype and grad.shape == pred.shape
	np.testing.assert_allclose(grad.get(), p.grad.numpy(), rtol=tol * 10, atol=tol)


@pytest.mark.parametrize("name", sorted(COST_CASES))
def test_queryErrorFalseReturnsGradOnly(name, rng):
	case = COST_CASES[name]
	pred, target = device(*case.data(rng, np.float32))
	cost = case.make()
	grad = cost(pred, target, queryError=False)
	assert gpuarray.isArray(grad)
	np.testing.assert_array_equal(grad.get(), cost(pred, target)[1].get())


@pytest.mark.parametrize("name", sorted(COST_CASES))
def test_meanErrorIsWeightedByBatch(name, rng):
	case = COST_CASES[name]
	cost = case.make()
	errors, sizes = [], []
	for batch in range(3):
		pred, target = case.data(rng, np.float64)
		keep = 1 + batch  # batches of 1, 2 and 3 rows
		error, _ = cost(*device(np.ascontiguousarray(pred[:keep]), np.ascontiguousarray(target[:keep])))
		errors.append(error)
		sizes.append(keep)
	assert cost.getMeanError() == pytest.approx(np.dot(errors, sizes) / sum(sizes), rel=1e-12)

	cost.resetAccumulator()
	assert cost.getMeanError() == 0.0
	pred, target = device(*case.data(rng, np.float64))
	cost(pred, target, queryError=False)
	assert cost.getMeanError() == pytest.approx(cost(pred, target)[0], rel=1e-12)


@pytest.mark.parametrize("name", sorted(COST_CASES))
def test_badInputsNameTheCost(name, rng):
	case = COST_CASES[name]
	cost = case.make()
	className = type(cost).__name__
	pred, target = case.data(rng, np.float32)

	with pytest.raises(TypeError, match="%s: expected a device array as prediction" % className):
		cost(pred, gpuarray.to_gpu(target))
	with pytest.raises(TypeError, match="%s: expected a device array as target" % className):
		cost(gpuarray.to_gpu(pred), target)
	with pytest.raises(ValueError, match="%s: expected (a target|labels) of shape" % className):
		cost(gpuarray.to_gpu(pred), gpuarray.to_gpu(np.ascontiguousarray(target[:-1])))
	badType = target.astype(np.float64) if target.dtype == np.int32 else target.astype(np.float64)
	with pytest.raises(TypeError, match=className):
		cost(gpuarray.to_gpu(pred), gpuarray.to_gpu(badType))
