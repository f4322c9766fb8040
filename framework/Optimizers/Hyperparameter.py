"""One declaration per hyperparameter: its default and what it may be.

An optimizer class declares each hyperparameter once, as a class attribute:

	alpha = Hyperparameter(0.99, low=0.0, high=1.0, highOpen=True)

and that declaration drives everything else: the generated constructor and its signature, validation at
construction, on assignment (`opt.alpha = 5` raises) and on load, `repr`, what files save, the command
line's `--opt key=value` parsing and the docs' parameter tables (`describe()` is the "Allowed types" cell).

The kind follows the default: a bool is a flag, a str one of `choices`, a pair of numbers is checked by
`rule` (a predicate on the two values and the text that explains it), anything else a real number in
[low, high] (open ends when asked). Only `__set__` is defined: reads come straight from the instance's
`__dict__` at plain attribute speed, which matters because kernels read hyperparameters every step.
"""
import ast
import math
import numbers

import numpy as np

REQUIRED = object()  # the default of a hyperparameter the constructor must be given (the base class's learnRate)

TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes"), ("false", "0", "no")


class Hyperparameter:
	def __init__(self, default=REQUIRED, low=None, high=None, lowOpen=False, highOpen=False, choices=None, rule=None):
		self.default = default
		self.low, self.high, self.lowOpen, self.highOpen = low, high, lowOpen, highOpen
		self.choices, self.rule = choices, rule
		if isinstance(default, bool):
			self.kind = "bool"
		elif choices is not None:
			self.kind = "choice"
		elif rule is not None:
			self.kind = "pair"
		else:
			self.kind = "real"
		self.name = None


	def __set_name__(self, owner, name):
		self.name = name


	def __set__(self, instance, value):
		instance.__dict__[self.name] = self.check(value, type(instance).__name__)


	def check(self, value, who):
		"""The value in its stored form (float, bool, str or a pair of floats), or a TypeError/ValueError naming `who`."""
		if self.kind == "bool":
			if not isinstance(value, (bool, np.bool_)):
				raise TypeError("%s: %s must be True or False, got %r" % (who, self.name, value))
			return bool(value)

		if self.kind == "choice":
			if not isinstance(value, str) or value not in self.choices:
				raise ValueError("%s: %s must be one of %s, got %r" % (who, self.name, ", ".join(map(repr, self.choices)), value))
			return value

		if self.kind == "pair":
			if not isinstance(value, (tuple, list)) or len(value) != 2:
				raise ValueError("%s: %s must be a pair (%s), got %r" % (who, self.name, self.rule[2], value))
			pair = tuple(self.real(item, who) for item in value)
			if not self.rule[0](*pair):
				raise ValueError("%s: %s must satisfy %s, got %r" % (who, self.name, self.rule[1], pair))
			return pair

		value = self.real(value, who)
		bad = (self.low is not None and (value <= self.low if self.lowOpen else value < self.low))
		bad = bad or (self.high is not None and (value >= self.high if self.highOpen else value > self.high))
		if bad:
			raise ValueError("%s: %s must lie in %s, got %r" % (who, self.name, self.interval(), value))
		return value


	def real(self, value, who):
		if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
			raise TypeError("%s: %s must be a real number, got %r" % (who, self.name, value))
		value = float(value)
		if not math.isfinite(value):
			raise ValueError("%s: %s must be finite, got %r" % (who, self.name, value))
		return value


	def interval(self):
		return "%s%s, %s%s" % (
			"(" if self.lowOpen else "[", "-inf" if self.low is None else _number(self.low),
			"inf" if self.high is None else _number(self.high), ")" if self.highOpen else "]"
		)


	def parse(self, text, who):
		"""A command-line value (`--opt name=text`) in this hyperparameter's kind, checked; errors are one line."""
		text = text.strip()
		if self.kind == "bool":
			word = text.lower()
			if word not in TRUE_WORDS + FALSE_WORDS:
				raise ValueError("%s: %s must be true or false (or 1/0, yes/no), got %r" % (who, self.name, text))
			return word in TRUE_WORDS
		if self.kind == "choice":
			return self.check(text, who)
		if self.kind == "pair":
			try:
				value = ast.literal_eval(text if "," in text else "(%s)" % text)
			except (ValueError, SyntaxError):
				raise ValueError("%s: %s must be a pair of numbers such as 0.5,1.2, got %r" % (who, self.name, text)) from None
			return self.check(value, who)
		try:
			value = float(text)
		except ValueError:
			raise ValueError("%s: %s must be a real number, got %r" % (who, self.name, text)) from None
		return self.check(value, who)


	def describe(self):
		"""The docs' "Allowed types" cell: `float` >= 0, `float` in [0, 1), `bool`, one of ..., a pair with its rule."""
		if self.kind == "bool":
			return "`bool`"
		if self.kind == "choice":
			return "`str`: " + ", ".join('`"%s"`' % choice for choice in self.choices)
		if self.kind == "pair":
			return "`tuple` of two `float`"
		if self.high is None and self.low is not None:
			return "`float` %s %s" % (">" if self.lowOpen else "≥", _number(self.low))
		if self.low is None and self.high is None:
			return "`float`"
		return "`float` in %s" % self.interval()


	def __repr__(self):
		return "Hyperparameter(%s, default=%r)" % (self.name, self.default)


def _number(x):
	return "%g" % x


def declarations(cls):
	"""{name: Hyperparameter} of a class, base classes first; a subclass's redeclaration keeps the base's position."""
	found = {}
	for klass in reversed(cls.__mro__):
		for name, value in vars(klass).items():
			if isinstance(value, Hyperparameter):
				found[name] = value
	return found
