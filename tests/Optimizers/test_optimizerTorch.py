"""20-step trajectories equal to torch.optim at float64 (torch is a test-only oracle)."""
import numpy as np
import pytest

from framework.Variable import Variable
from tests.Optimizers import cases
from tests.Optimizers.optimizerTestUtil import quadraticGrad

torch = pytest.importorskip("torch")

TORCH_CASES = [case for case in cases.OPTIMIZER_CASES if case.torch is not None]


def test_torchCasesCoverEveryAlgorithmTorchHas():
	covered = {case.cls.__name__ for case in TORCH_CASES}
	assert covered >= {"SGD", "MomentumSGD", "NesterovSGD", "Adam", "AdaGrad", "AdaDelta", "RMSProp", "Rprop"}
	rms = [case.kwargs for case in TORCH_CASES if case.cls.__name__ == "RMSProp"]
	assert any(kw["centered"] and kw["momentum"] > 0 and kw["weightDecay"] > 0 for kw in rms)


@pytest.mark.parametrize("case", TORCH_CASES, ids=[case.id for case in TORCH_CASES])
def test_trajectoryMatchesTorch(case):
	rng = np.random.default_rng(3)
	shapes = [(6, 5), (5, ), (11, )]
	inits = [rng.normal(0, 1, shape) for shape in shapes]

	variables = [Variable(p.copy(), name="p%d" % k) for k, p in enumerate(inits)]
	opt = cases.make(case)
	opt.setupOn(variables)

	tensors = [torch.tensor(p.copy(), dtype=torch.float64, requires_grad=True) for p in inits]
	topt = case.torch(tensors, torch)

	for step in range(20):
		# the gradient depends on the current parameters, so any deviation compounds
		for k, (var, t) in enumerate(zip(variables, tensors)):
			noise = rng.normal(0, 0.3, var.shape)
			var.grad.set(quadraticGrad(var.data.get(), k) + noise)
			t.grad = torch.tensor(quadraticGrad(t.detach().numpy(), k) + noise)
		opt.update()
		topt.step()

	for var, t in zip(variables, tensors):
		np.testing.assert_allclose(var.data.get(), t.detach().numpy(), rtol=1e-10, atol=1e-10)
		assert not np.allclose(var.data.get(), inits[variables.index(var)])
