"""Linear warm-up: the rate climbs from startFactor * base to base over `warmup` units, then follows `after` (or stays)."""
from framework.Optimizers.Schedules.Schedule import Schedule


class LinearWarmup(Schedule):
	"""lr(t) = base * (startFactor + (1 - startFactor) * t / warmup) for t < warmup, then after.lr(t - warmup) or base.

	LinearWarmup(warmup, startFactor=0.1, after=None, per="step"); `after` is another
	schedule with the same `per`, counted from the end of the warm-up (Goyal et al. 2017).
	"""

	def __init__(self, warmup, startFactor=0.1, after=None, per="step"):
		super().__init__(per)
		if not isinstance(warmup, int) or warmup < 1:
			raise ValueError("LinearWarmup: warmup must be a positive int, got %r" % (warmup, ))
		if not 0.0 <= startFactor <= 1.0:
			raise ValueError("LinearWarmup: startFactor must lie in [0, 1], got %r" % (startFactor, ))
		if after is not None and (not isinstance(after, Schedule) or after.per != per):
			raise ValueError("LinearWarmup: after must be a Schedule with per=%r, got %r" % (per, after))
		self.warmup, self.startFactor, self.after = warmup, float(startFactor), after


	def setupOn(self, optimizer):
		if self.after is not None:
			# The follower shares the base rate but never touches the optimizer itself
			self.after.baseLR, self.after.t = float(optimizer.learnRate), 0
		return super().setupOn(optimizer)


	def lrAt(self, t):
		if t < self.warmup or self.after is None:
			return super().lrAt(t)
		return self.after.lrAt(t - self.warmup)


	def factor(self, t):
		return self.startFactor + (1.0 - self.startFactor) * t / self.warmup if t < self.warmup else 1.0


	def prepareLoad(self, group, source=None):
		restore = super().prepareLoad(group, source)

		def apply():
			restore()
			if self.after is not None:
				self.after.baseLR = self.baseLR
		return apply


	def hyperparams(self):
		params = {"warmup": self.warmup, "startFactor": self.startFactor, "per": self.per}
		if self.after is not None:
			params["after"] = {"class": type(self.after).__name__, **self.after.hyperparams()}
		return params
