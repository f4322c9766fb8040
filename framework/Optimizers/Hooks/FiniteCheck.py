"""A hook that finds a NaN or Inf gradient on the device and skips the step or raises."""
import numpy as np

from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Optimizers.Hooks.Hook import Hook

ACTIONS = ("skip", "raise")

# 1 if any gradient in the range is NaN or +-Inf (g - g is NaN exactly then), else 0. An integer OR, unlike a
# floating-point sum, may be reordered freely, so the compiler vectorises it. Each index i reads four places of
# the range at once (offsets 0, a, b, last; see FiniteCheck.span): four read streams instead of one, because one
# sequential stream gets only a fraction of a CPU's memory bandwidth (a third, measured on a 2-core VM).
nonFiniteKernel = ReductionKernel(
	"int32", "0", "a | b",
	"(grad[i] - grad[i] != 0.0) | (grad[i + a] - grad[i + a] != 0.0) | (grad[i + b] - grad[i + b] != 0.0)"
	" | (grad[i + last] - grad[i + last] != 0.0)",
	"const T *grad, long a, long b, long last", "finiteCheckHook"
)

# flag |= part on the device: several reductions (one per dtype, or per variable) are read back as one scalar
orKernel = ElementwiseKernel("int *flag, const int *part", "flag[i] |= part[i]", "finiteCheckOr")


class FiniteCheck(Hook):
	"""FiniteCheck(action="skip"): before each step, if any gradient holds NaN or Inf, skip the step or raise.

	One reduction per dtype in global state (per variable in local state), combined on the device, and one host
	read of the combined flag per step. action="skip": parameters, optimizer state and t stay unchanged (the
	count is in `skipped`); action="raise": a FloatingPointError naming the variables.
	"""

	def __init__(self, action="skip"):
		if action not in ACTIONS:
			raise ValueError("FiniteCheck: action must be one of %s, got %r" % (", ".join(map(repr, ACTIONS)), action))
		self.action = action
		self.skipped = 0
		self.planFor, self.spans = None, None


	def plan(self, groups):
		"""(grad, range) to reduce over: groups sharing one global buffer merge into one range covering them all
		(a frozen variable that lies between them is checked too); a variable's own arrays stay on their own."""
		spans = {}
		for group in groups:
			key = id(group.grad)
			if group.range is None or key not in spans:
				spans[key if group.range is not None else id(group)] = [group.grad, group.range]
			else:
				span = spans[key]
				span[1] = slice(min(span[1].start, group.range.start), max(span[1].stop, group.range.stop))
		return [self.span(grad, range) for grad, range in spans.values()]


	@staticmethod
	def span(grad, range):
		"""(grad, offsets a, b, last, the quarter range): with q = ceil(length / 4), index i of [start, start + q)
		reads i, i + a, i + b, i + last, which together cover [start, stop) and never leave it."""
		start, stop = (0, grad.size) if range is None else (range.start, range.stop)
		length = stop - start
		q = -(-length // 4)
		last = length - q
		return grad, min(q, last), min(2 * q, last), last, slice(start, start + q)


	def __call__(self, groups):
		if not groups:
			return False
		if self.planFor is not groups:  # the optimizer hands over the same list until its layout changes
			self.planFor, self.spans = groups, self.plan(groups)

		flag = None
		for grad, a, b, last, quarter in self.spans:
			part = nonFiniteKernel(grad, a, b, last, range=quarter)
			if flag is None:
				flag = part
			else:
				orKernel(flag, part)
		if not int(flag.get()):
			return False

		if self.action == "raise":
			bad = [", ".join(group.names) for group in groups if not np.all(np.isfinite(self.hostGrad(group)))]
			raise FloatingPointError("FiniteCheck: non-finite gradient (NaN or Inf) in %s; the step was not taken" % (
				", ".join(bad) if bad else "a frozen variable"
			))
		self.skipped += 1
		return True


	@staticmethod
	def hostGrad(group):
		"""A group's gradient on the host: only on the error path, to name the variables."""
		return group.grad.get() if group.range is None else group.grad.get()[group.range]


	def __repr__(self):
		return "FiniteCheck(action=%r)" % self.action
