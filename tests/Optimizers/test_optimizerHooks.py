"""Hooks: weight decay, L1, clipping by value and by global norm, in both modes, with multipliers."""
import numpy as np
import pytest

from framework.Optimizers import SGD
from framework.Optimizers.Hooks import ClipGradNorm, ClipGradValue, L1, WeightDecay
from framework.Variable import Variable


def setup(dtype, useGlobal, hook):
	rng = np.random.default_rng(5)
	values = [rng.normal(0, 1, (4, 3)), rng.normal(0, 1, (5, )), rng.normal(0, 1, (2, ))]
	grads = [rng.normal(0, 2, v.shape) for v in values]
	variables = [Variable(v.astype(dtype), name="v%d" % k) for k, v in enumerate(values)]
	variables[1].weightDecay = 3.0
	variables[2].learnRate = 0.0  # frozen: not updated, its gradient not touched by hooks
	opt = SGD(learnRate=1.0)
	opt.addHook(hook)
	opt.setupOn(variables, useGlobalState=useGlobal)
	for var, g in zip(variables, grads):
		var.grad.set(g.astype(dtype))
	return opt, variables, [v.astype(dtype) for v in values], [g.astype(dtype) for g in grads]


@pytest.mark.parametrize("useGlobal", [False, True], ids=["local", "global"])
def test_weightDecayAndL1(dtype, useGlobal):
	for hook, penalty in ((WeightDecay(0.1), lambda p: p), (L1(0.1), np.sign)):
		opt, variables, values, grads = setup(dtype, useGlobal, hook)
		opt.update()
		for k, (var, p, g) in enumerate(zip(variables[:2], values, grads)):
			expected = p - (g + 0.1 * var.weightDecay * penalty(p))
			np.testing.assert_allclose(var.data.get(), expected, rtol=1e-5)
		np.testing.assert_array_equal(variables[2].data.get(), values[2])


@pytest.mark.parametrize("useGlobal", [False, True], ids=["local", "global"])
def test_clipGradValue(dtype, useGlobal):
	opt, variables, values, grads = setup(dtype, useGlobal, ClipGradValue(0.5))
	opt.update()
	for var, p, g in zip(variables[:2], values, grads):
		np.testing.assert_allclose(var.data.get(), p - np.clip(g, -0.5, 0.5), rtol=1e-6)


@pytest.mark.parametrize("useGlobal", [False, True], ids=["local", "global"])
def test_clipGradNormIsGlobalOverAllParameters(dtype, useGlobal):
	hook = ClipGradNorm(1.0)
	opt, variables, values, grads = setup(dtype, useGlobal, hook)
	opt.update()
	norm = np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads[:2]))
	assert norm > 1.0
	np.testing.assert_allclose(hook.lastNorm, norm, rtol=1e-6)
	for var, p, g in zip(variables[:2], values, grads):
		np.testing.assert_allclose(var.data.get(), p - g * (1.0 / (norm + 1e-6)), rtol=1e-5)


def test_clipGradNormMatchesTorch():
	torch = pytest.importorskip("torch")
	rng = np.random.default_rng(1)
	values = [rng.normal(0, 1, (3, 4)), rng.normal(0, 1, 6)]
	grads = [rng.normal(0, 3, v.shape) for v in values]
	tensors = [torch.tensor(v, requires_grad=True) for v in values]
	for t, g in zip(tensors, grads):
		t.grad = torch.tensor(g)
	torch.nn.utils.clip_grad_norm_(tensors, 2.0)

	variables = [Variable(v.copy(), name="v%d" % k) for k, v in enumerate(values)]
	opt = SGD(learnRate=1.0)
	opt.addHook(ClipGradNorm(2.0))
	opt.setupOn(variables, useGlobalState=True)
	for var, g in zip(variables, grads):
		var.grad.set(g)
	opt.update()
	for var, v, t in zip(variables, values, tensors):
		np.testing.assert_allclose(var.data.get(), v - t.grad.numpy(), rtol=1e-12)
