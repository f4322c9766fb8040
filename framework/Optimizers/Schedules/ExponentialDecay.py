"""Exponential decay: the rate shrinks by the same factor every unit."""
from framework.Optimizers.Schedules.Schedule import Schedule


class ExponentialDecay(Schedule):
	"""lr(t) = base * gamma ** t; ExponentialDecay(gamma=0.95, per="epoch") (PyTorch ExponentialLR)."""

	def __init__(self, gamma=0.95, per="epoch"):
		super().__init__(per)
		if not gamma > 0:
			raise ValueError("ExponentialDecay: gamma must be > 0, got %r" % (gamma, ))
		self.gamma = float(gamma)


	def factor(self, t):
		return self.gamma ** t


	def hyperparams(self):
		return {"gamma": self.gamma, "per": self.per}
