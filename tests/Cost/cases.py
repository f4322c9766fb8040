"""Registry of every public cost: name -> Case(make, data, torchLoss).

make() builds the cost; data(rng, dtype) -> (pred, target) host arrays; torchLoss(torch, pred, target) is the
PyTorch loss with reduction="mean" it must equal. Variants (weights, beta, ...) use "Name:variant" keys.
A test fails when framework.Cost exports a cost missing here.
"""
from collections import namedtuple

import numpy as np

from framework.Cost import BCE, Abs, CrossEntropy, Hinge, KLDivergence, MSE, SmoothL1

Case = namedtuple("Case", ["make", "data", "torchLoss"])

N, C = 4, 5
CLASS_WEIGHTS = np.array([0.5, 1.0, 2.0, 0.25, 1.5])


def regression(rng, dtype):
	return rng.standard_normal((N, C)).astype(dtype), rng.standard_normal((N, C)).astype(dtype)


def labels(rng, dtype):
	return rng.standard_normal((N, C)).astype(dtype), rng.integers(0, C, N).astype(np.int32)


def probabilities(rng, dtype):
	return rng.standard_normal((N, C)).astype(dtype), rng.uniform(0, 1, (N, C)).astype(dtype)


def logDistribution(rng, dtype):
	x = rng.standard_normal((N, C))
	t = rng.uniform(0, 1, (N, C))
	t[0, 0] = 0.0  # 0 log 0 = 0
	return (x - np.log(np.exp(x).sum(1, keepdims=True))).astype(dtype), (t / t.sum(1, keepdims=True)).astype(dtype)


def tensor(torch, a):
	return torch.from_numpy(a).long() if a.dtype == np.int32 else torch.from_numpy(a)


COST_CASES = {
	"MSE": Case(MSE, regression, lambda torch, p, t: torch.nn.MSELoss()(p, t)),
	"Abs": Case(Abs, regression, lambda torch, p, t: torch.nn.L1Loss()(p, t)),
	"SmoothL1": Case(SmoothL1, regression, lambda torch, p, t: torch.nn.SmoothL1Loss()(p, t)),
	"SmoothL1:beta0.3": Case(
		lambda: SmoothL1(beta=0.3), regression, lambda torch, p, t: torch.nn.SmoothL1Loss(beta=0.3)(p, t)
	),
	"CrossEntropy": Case(CrossEntropy, labels, lambda torch, p, t: torch.nn.CrossEntropyLoss()(p, t)),
	"CrossEntropy:weights": Case(
		lambda: CrossEntropy(weights=CLASS_WEIGHTS), labels,
		lambda torch, p, t: torch.nn.CrossEntropyLoss(weight=torch.from_numpy(CLASS_WEIGHTS).to(p.dtype))(p, t)
	),
	"BCE": Case(BCE, probabilities, lambda torch, p, t: torch.nn.BCEWithLogitsLoss()(p, t)),
	"Hinge": Case(Hinge, labels, lambda torch, p, t: torch.nn.MultiMarginLoss()(p, t)),
	"Hinge:margin0.5": Case(
		lambda: Hinge(margin=0.5), labels, lambda torch, p, t: torch.nn.MultiMarginLoss(margin=0.5)(p, t)
	),
	"KLDivergence": Case(KLDivergence, logDistribution, lambda torch, p, t: torch.nn.KLDivLoss(reduction="mean")(p, t)),
	"KLDivergence:batchmean": Case(
		lambda: KLDivergence(reduction="batchmean"), logDistribution,
		lambda torch, p, t: torch.nn.KLDivLoss(reduction="batchmean")(p, t)
	),
}
