"""Every optimizer case actually optimises: a small regression loses a stated factor, a quadratic reaches its minimum."""
import numpy as np
import pytest

from framework.Variable import Variable
from tests.Optimizers import cases

REGRESSION_STEPS, REGRESSION_FACTOR = 300, 20.0
QUADRATIC_STEPS, QUADRATIC_TOLERANCE = 1000, 1e-2


@pytest.mark.parametrize("case", cases.OPTIMIZER_CASES, ids=cases.CASE_IDS)
def test_regressionLossFallsByFactor(case, dtype):
	rng = np.random.default_rng(0)
	X = rng.normal(0, 1, (64, 10)).astype(dtype)
	y = (X @ rng.normal(0, 1, 10) + 0.01 * rng.normal(0, 1, 64)).astype(dtype)
	w, b = Variable(np.zeros(10, dtype), name="w"), Variable(np.zeros(1, dtype), name="b")
	opt = cases.make(case, learnRate=case.fitLr)
	opt.setupOn([w, b], useGlobalState=True)

	losses = []
	for _ in range(REGRESSION_STEPS):
		r = X @ w.data.get() + b.data.get() - y
		losses.append(float(np.mean(r ** 2)))
		opt.zeroGradParams()
		w.grad.set((2 * X.T @ r / len(y)).astype(dtype))
		b.grad.set(np.array([2 * r.mean()], dtype))
		opt.update(error=losses[-1])

	assert losses[-1] * REGRESSION_FACTOR < losses[0], "loss %g -> %g" % (losses[0], losses[-1])


@pytest.mark.parametrize("case", cases.OPTIMIZER_CASES, ids=cases.CASE_IDS)
def test_quadraticReachesMinimum(case, dtype):
	# f = sum c (x - target)^2 / 2 with an ill-conditioned c; with weight decay wd the minimum moves to c target/(c + wd)
	target, c = np.array([1.0, -1.0, 1.0]), np.array([1.0, 10.0, 0.5])
	x = Variable(np.array([-1.0, 2.0, 0.0], dtype), name="x")
	opt = cases.make(case, learnRate=case.fitLr)
	opt.setupOn([x])

	for _ in range(QUADRATIC_STEPS):
		d = x.data.get() - target
		opt.zeroGradParams()
		x.grad.set((c * d).astype(dtype))
		opt.update(error=float(0.5 * np.sum(c * d * d)))

	minimum = c * target / (c + case.kwargs.get("weightDecay", 0.0))
	np.testing.assert_allclose(x.data.get(), minimum, atol=QUADRATIC_TOLERANCE)
