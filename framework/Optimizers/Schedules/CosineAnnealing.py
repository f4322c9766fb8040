"""Cosine annealing: half a cosine from the base rate down to minLR over tMax units, then flat."""
import math

from framework.Optimizers.Schedules.Schedule import Schedule


class CosineAnnealing(Schedule):
	"""lr(t) = minLR + (base - minLR) * (1 + cos(pi * min(t, tMax) / tMax)) / 2; CosineAnnealing(tMax, minLR=0.0, per="epoch").

	Loshchilov & Hutter 2017 (SGDR) without restarts; equals PyTorch CosineAnnealingLR for t <= tMax.
	"""

	def __init__(self, tMax, minLR=0.0, per="epoch"):
		super().__init__(per)
		if not isinstance(tMax, int) or tMax < 1:
			raise ValueError("CosineAnnealing: tMax must be a positive int, got %r" % (tMax, ))
		if minLR < 0:
			raise ValueError("CosineAnnealing: minLR must be >= 0, got %r" % (minLR, ))
		self.tMax, self.minLR = tMax, float(minLR)


	def lrAt(self, t):
		return self.minLR + (self.base() - self.minLR) * self.factor(t)


	def factor(self, t):
		return (1.0 + math.cos(math.pi * min(t, self.tMax) / self.tMax)) / 2.0


	def hyperparams(self):
		return {"tMax": self.tMax, "minLR": self.minLR, "per": self.per}
