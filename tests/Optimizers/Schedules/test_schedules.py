"""Schedules against their formulas and torch.optim.lr_scheduler, stepping units, and save/load."""
import math

import h5py
import numpy as np
import pytest

from framework.Optimizers import SGD
from framework.Optimizers.Schedules import CosineAnnealing, ExponentialDecay, LinearWarmup, StepDecay
from framework.Variable import Variable


def makeOptimizer(learnRate=0.1):
	return SGD(learnRate=learnRate).setupOn([Variable(np.zeros(3, dtype=np.float32), name="w")])


def ratesOf(schedule, count, learnRate=0.1):
	opt = makeOptimizer(learnRate)
	schedule.setupOn(opt)
	rates = [opt.learnRate]
	for _ in range(count - 1):
		schedule.step()
		rates.append(opt.learnRate)
	return rates


@pytest.mark.parametrize("schedule, formula", [
	(StepDecay(3, gamma=0.5), lambda t: 0.1 * 0.5 ** (t // 3)),
	(ExponentialDecay(0.9), lambda t: 0.1 * 0.9 ** t),
	(CosineAnnealing(8, minLR=0.01), lambda t: 0.01 + 0.09 * (1 + math.cos(math.pi * min(t, 8) / 8)) / 2),
	(LinearWarmup(4, startFactor=0.2), lambda t: 0.1 * (0.2 + 0.8 * t / 4) if t < 4 else 0.1),
], ids=["step", "exponential", "cosine", "warmup"])
def test_formula(schedule, formula):
	rates = ratesOf(schedule, 12)
	assert rates == pytest.approx([formula(t) for t in range(12)], rel=1e-12)


def test_warmupThenCosine():
	rates = ratesOf(LinearWarmup(2, startFactor=0.5, after=CosineAnnealing(4), per="epoch"), 8)
	expected = [0.05, 0.075] + [0.1 * (1 + math.cos(math.pi * min(t, 4) / 4)) / 2 for t in range(6)]
	assert rates == pytest.approx(expected, rel=1e-12)


def test_matchesTorchSchedulers():
	torch = pytest.importorskip("torch")
	sched = torch.optim.lr_scheduler

	cases = [
		(StepDecay(3, gamma=0.5), lambda o: sched.StepLR(o, 3, gamma=0.5)),
		(ExponentialDecay(0.9), lambda o: sched.ExponentialLR(o, 0.9)),
		(CosineAnnealing(8, minLR=0.01), lambda o: sched.CosineAnnealingLR(o, 8, eta_min=0.01)),
		(LinearWarmup(4, startFactor=0.2), lambda o: sched.LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=4)),
	]
	for ours, make in cases:
		opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
		theirs = make(opt)
		expected = []
		for _ in range(9):
			expected.append(opt.param_groups[0]["lr"])
			opt.step()
			theirs.step()
		assert ratesOf(ours, 9) == pytest.approx(expected, rel=1e-9), type(ours).__name__


def test_unitsEpochAndStep():
	perEpoch, perStep = ExponentialDecay(0.5, per="epoch"), ExponentialDecay(0.5, per="step")
	optA, optB = makeOptimizer(), makeOptimizer()
	perEpoch.setupOn(optA)
	perStep.setupOn(optB)
	for _ in range(3):
		perEpoch.onStep()
		perStep.onStep()
	assert optA.learnRate == 0.1 and optB.learnRate == pytest.approx(0.0125)
	perEpoch.onEpoch()
	perStep.onEpoch()
	assert optA.learnRate == pytest.approx(0.05) and perStep.t == 3


def test_saveLoadRoundTrip(tmp_path):
	schedule = CosineAnnealing(10, minLR=0.001)
	schedule.setupOn(makeOptimizer(0.2))
	for _ in range(4):
		schedule.step()

	with h5py.File(tmp_path / "s.h5", "w") as f:
		schedule.saveTo(f.create_group("schedule"))

	restored, opt = CosineAnnealing(10, minLR=0.001), makeOptimizer(0.5)
	restored.setupOn(opt)
	with h5py.File(tmp_path / "s.h5", "r") as f:
		restored.loadFrom(f["schedule"])
	assert restored.t == 4 and restored.baseLR == 0.2 and opt.learnRate == schedule.optimizer.learnRate

	with h5py.File(tmp_path / "s.h5", "r") as f:
		with pytest.raises(ValueError, match="holds a CosineAnnealing schedule, expected StepDecay"):
			StepDecay(2).setupOn(makeOptimizer()).loadFrom(f["schedule"])
		with pytest.raises(ValueError, match="was saved with"):
			CosineAnnealing(11).setupOn(makeOptimizer()).loadFrom(f["schedule"])


def test_badArguments():
	with pytest.raises(ValueError, match="StepDecay: stepSize must be a positive int"):
		StepDecay(0)
	with pytest.raises(ValueError, match="per must be one of"):
		ExponentialDecay(0.9, per="batch")
	with pytest.raises(ValueError, match="LinearWarmup: after must be a Schedule with per='step'"):
		LinearWarmup(3, after=CosineAnnealing(5))
	with pytest.raises(RuntimeError, match="setupOn"):
		StepDecay(2).lrAt(0)
	with pytest.raises(TypeError, match="expected an optimizer"):
		StepDecay(2).setupOn(object())
