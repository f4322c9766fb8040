"""The base of every learning-rate schedule: a pure formula lr(t) and a counter t that steps per epoch or per batch.

A subclass implements factor(t), the multiplier of the base rate at time t.
setupOn(optimizer) records the optimizer's learnRate as the base rate and sets
learnRate = lr(0); each completed unit (an epoch when per="epoch", an optimizer
step when per="step") advances t and sets learnRate = lr(t). Trainer calls
onStep() after every update and onEpoch() after every epoch; only the one
matching `per` moves the counter.
"""
import json
import math

import numpy as np

from framework import Files


class Schedule:
	UNITS = ("epoch", "step")


	def __init__(self, per="epoch"):
		if per not in self.UNITS:
			raise ValueError("%s: per must be one of %s, got %r" % (type(self).__name__, self.UNITS, per))

		self.per = per
		self.optimizer = None
		self.baseLR = None
		self.t = 0


	def factor(self, t):
		raise NotImplementedError


	def lrAt(self, t):
		"""The learning rate the formula gives after t completed units."""
		return self.base() * self.factor(t)


	def base(self):
		if self.baseLR is None:
			raise RuntimeError("%s: call setupOn(optimizer) before asking for a learning rate" % type(self).__name__)
		return self.baseLR


	@property
	def learnRate(self):
		return self.lrAt(self.t)


	def setupOn(self, optimizer):
		"""Attaches to an optimizer: its current learnRate becomes the base rate, and learnRate = lr(0)."""
		if not hasattr(optimizer, "learnRate"):
			raise TypeError("%s.setupOn: expected an optimizer with a learnRate, got %s" % (
				type(self).__name__, type(optimizer).__name__
			))
		self.optimizer, self.baseLR, self.t = optimizer, float(optimizer.learnRate), 0
		self.apply()
		return self


	def apply(self):
		if self.optimizer is not None:
			self.optimizer.learnRate = self.lrAt(self.t)


	def step(self):
		"""Advances the counter by one unit and sets the optimizer's learnRate."""
		self.t += 1
		self.apply()


	def onStep(self):
		if self.per == "step":
			self.step()


	def onEpoch(self):
		if self.per == "epoch":
			self.step()


	# --- files ---------------------------------------------------------------------------------------------

	def hyperparams(self):
		"""{name: value} of the constructor arguments, saved with the schedule and checked on load."""
		return {"per": self.per}


	def saveTo(self, group):
		group.attrs["format"] = "framework.Schedule"
		group.attrs["class"] = type(self).__name__
		group.attrs["hyperparams"] = json.dumps(self.hyperparams(), sort_keys=True)
		group.attrs["t"] = self.t
		group.attrs["baseLR"] = self.baseLR if self.baseLR is not None else float("nan")
		Files.seal(group)


	def loadFrom(self, group, source=None):
		"""Restores t and the base rate; a different schedule class or hyperparameters is an error."""
		self.prepareLoad(group, source)()


	def prepareLoad(self, group, source=None):
		"""Reads and checks a saved schedule without changing this one; returns a function of no arguments that applies it."""
		who, source = "%s.load" % type(self).__name__, Files.sourceOf(group, source)
		if group.attrs.get("format") != "framework.Schedule":
			raise ValueError("%s: %r holds no schedule (format %r)" % (who, source, group.attrs.get("format")))
		Files.checkSeal(group, who, source)

		saved = group.attrs["class"]
		if saved != type(self).__name__:
			raise ValueError("%s: %r holds a %s schedule, expected %s" % (who, source, saved, type(self).__name__))

		savedParams = Files.readJson(group, "hyperparams", who, source)
		params = json.loads(json.dumps(self.hyperparams(), sort_keys=True))
		if savedParams != params:
			raise ValueError("%s: %r was saved with %s, this schedule has %s" % (who, source, savedParams, params))

		t, baseLR = group.attrs["t"], float(group.attrs["baseLR"])
		if not isinstance(t, (int, np.integer)) or t < 0:
			raise ValueError("%s: %r holds a counter %r, expected a non-negative integer" % (who, source, t))
		if not (math.isnan(baseLR) or (math.isfinite(baseLR) and baseLR >= 0)):
			raise ValueError("%s: %r holds a base rate %r, expected a finite number >= 0" % (who, source, baseLR))

		def apply():
			# NaN marks a schedule saved before setupOn: it has no base rate yet
			self.t, self.baseLR = int(t), None if math.isnan(baseLR) else baseLR
			if self.baseLR is not None:
				self.apply()
		return apply


	def __repr__(self):
		args = ", ".join("%s=%r" % item for item in self.hyperparams().items())
		return "%s(%s)" % (type(self).__name__, args)
