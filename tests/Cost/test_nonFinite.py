"""A NaN in the prediction or the target gives a NaN error, gradient and metric, never a finite one."""
import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Cost import KLDivergence
from tests.Cost.cases import COST_CASES

NAN = float("nan")
ROW, COL = 1, 2


def evaluate(cost, pred, target):
	p, t = gpuarray.to_gpu(pred), gpuarray.to_gpu(target)
	error, grad = cost(p, t)
	return error, grad.get(), cost.validate(p, t)


@pytest.mark.parametrize("name", sorted(COST_CASES))
def test_nanInThePredictionIsNaNEverywhereItEnters(name, rng, dtype):
	case = COST_CASES[name]
	pred, target = case.data(rng, dtype)
	pred[ROW, COL] = NAN
	error, grad, metric = evaluate(case.make(), pred, target)
	assert np.isnan(error) and np.isnan(metric)

	others = np.delete(grad, ROW, axis=0)
	assert np.isfinite(others).all()
	if name.startswith("KLDivergence"):
		assert np.isfinite(grad).all()  # its gradient, -target, does not depend on the prediction
	elif target.dtype.kind == "i":
		assert np.isnan(grad[ROW, COL]) and np.isnan(grad[ROW, target[ROW]])  # the NaN score and the label's
	else:
		assert np.isnan(grad[ROW, COL]) and np.isnan(grad[ROW]).sum() == 1


@pytest.mark.parametrize("name", sorted(name for name, case in COST_CASES.items() if case.data(np.random.default_rng(0), np.float64)[1].dtype.kind == "f"))
def test_nanInTheTargetIsNaN(name, rng, dtype):
	case = COST_CASES[name]
	pred, target = case.data(rng, dtype)
	target[ROW, COL] = NAN
	error, grad, metric = evaluate(case.make(), pred, target)
	assert np.isnan(error) and np.isnan(metric)
	assert np.isnan(grad[ROW, COL]) and np.isnan(grad).sum() == 1


def test_klDivergenceWithAZeroTargetStillSeesANaNPrediction(dtype):
	pred = np.log(np.full((2, 2), 0.5, dtype))
	target = np.array([[0.0, 1.0], [0.5, 0.5]], dtype)
	pred[0, 0] = NAN
	error, _, _ = evaluate(KLDivergence(), pred, target)
	assert np.isnan(error)  # 0 * (log 0 - NaN) is NaN, as torch's target * (log target - input)
