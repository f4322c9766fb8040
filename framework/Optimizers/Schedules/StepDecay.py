"""Step decay: the rate drops by a factor every stepSize units."""
from framework.Optimizers.Schedules.Schedule import Schedule


class StepDecay(Schedule):
	"""lr(t) = base * gamma ** floor(t / stepSize); StepDecay(stepSize, gamma=0.1, per="epoch") (PyTorch StepLR)."""

	def __init__(self, stepSize, gamma=0.1, per="epoch"):
		super().__init__(per)
		if not isinstance(stepSize, int) or stepSize < 1:
			raise ValueError("StepDecay: stepSize must be a positive int, got %r" % (stepSize, ))
		if not gamma > 0:
			raise ValueError("StepDecay: gamma must be > 0, got %r" % (gamma, ))
		self.stepSize, self.gamma = stepSize, float(gamma)


	def factor(self, t):
		return self.gamma ** (t // self.stepSize)


	def hyperparams(self):
		return {"stepSize": self.stepSize, "gamma": self.gamma, "per": self.per}
