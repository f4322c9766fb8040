"""Where an optimizer's variables, gradients and state live, and which launches one step makes.

A ParamLayout is built by Optimizer.setupOn. It splits the trainable variables into Groups, one kernel
launch each. Local state: one Group per variable (its own arrays, range None). Global state: every
parameter, gradient and state array of a dtype is packed into one SharedArray buffer, the same Variable
objects are rebound to views of it, and a Group is a run of variables with equal multipliers (the whole
buffers with the run's range). Either way the optimizer and the hooks make ONE loop over `groups()`.

Frozen variables (learnRate multiplier 0) are in no Group: no kernel touches them or their state.
"""
from operator import attrgetter, is_

import numpy as np

from framework.Backend.SharedArray import SharedArray
from framework.Variable import Variable

MULTIPLIERS = attrgetter("learnRate", "momRate", "weightDecay")
DATA, GRAD = attrgetter("data"), attrgetter("grad")


class Group:
	"""What one kernel launch (and a hook) acts on: data, grad and the {stateName: array} state of one variable
	(range None) or of a run of variables in the global buffers (range the slice they cover), with the run's
	multipliers learnRate, momRate, weightDecay and the variables' names."""
	__slots__ = ("names", "data", "grad", "state", "range", "learnRate", "momRate", "weightDecay")

	def __init__(self, names, data, grad, state, range, multipliers):
		self.names, self.data, self.grad, self.state, self.range = names, data, grad, state, range
		self.learnRate, self.momRate, self.weightDecay = multipliers


	def __repr__(self):
		return "Group(%s, range=%s)" % (", ".join(self.names), self.range)


def collect(who, target):
	"""[(name, Variable)] with a gradient from a Module (getVarTable) or a list of Variables, checked."""
	if hasattr(target, "getVarTable"):
		named = [(names[0], var) for var, names in target.getVarTable().items()]
	elif isinstance(target, (list, tuple)):
		named = []
		for k, var in enumerate(target):
			if not isinstance(var, Variable):
				raise TypeError("%s.setupOn: expected Variables in the list, got %s at index %d" % (who, type(var).__name__, k))
			named.append((var.name if var.name is not None else "var%d" % k, var))
	else:
		raise TypeError("%s.setupOn: expected a Module or a list of Variables, got %s" % (who, type(target).__name__))

	named = [(name, var) for name, var in named if var.grad is not None]
	seen = set()
	for name, var in named:
		if name in seen:
			raise ValueError("%s.setupOn: two variables share the name %r" % (who, name))
		if "/" in name:
			raise ValueError("%s.setupOn: variable name %r must not contain '/'" % (who, name))
		if var.dtype not in (np.float32, np.float64):
			raise TypeError("%s.setupOn: variable %r must be float32 or float64, got %s" % (who, name, var.dtype))
		seen.add(name)

	if len({id(var) for _, var in named}) != len(named):
		raise ValueError("%s.setupOn: the same Variable appears twice in the list" % who)
	return named


class ParamLayout:
	"""ParamLayout(who, target, setupState, globalState): the variables of a Module or list in launch order, their
	state and the Groups."""

	def __init__(self, who, target, setupState, globalState):
		named = collect(who, target)
		self.who, self.globalState = who, bool(globalState)
		# a Module's variables may be replaced (setVar) after setup: re-read them when a Variable was made since
		self.module = target if hasattr(target, "getVarTable") else None
		self.created = Variable.created
		self.buffers = {}  # global state: dtype -> {"data": SharedArray, "grad": SharedArray, stateName: SharedArray}

		if self.globalState:
			named = self.packOrder(named)
		self.names = [name for name, _ in named]
		self.vars = [var for _, var in named]
		initial = {name: setupState(var) for name, var in named}
		self.states = self.pack(named, initial) if self.globalState else initial

		# What the groups were built from; update() compares it with the variables every step (cheap C-level passes)
		self.keys, self.datas, self.grads, self.cached = None, None, None, None


	@staticmethod
	def packOrder(named):
		"""Variables with equal (dtype, multipliers) next to each other, so that each such run is one contiguous range."""
		firstSeen = {}
		for _, var in named:
			firstSeen.setdefault((var.dtype.str, ) + MULTIPLIERS(var), len(firstSeen))
		order = sorted(range(len(named)), key=lambda k: (firstSeen[(named[k][1].dtype.str, ) + MULTIPLIERS(named[k][1])], k))
		return [named[k] for k in order]


	def pack(self, named, initial):
		"""Copies parameters, gradients and initial state into one buffer per dtype and rebinds the Variables to views."""
		for name, var in named:
			buffers = self.buffers.get(var.dtype)
			if buffers is None:
				buffers = {"data": SharedArray(var.dtype), "grad": SharedArray(var.dtype)}
				buffers.update((stateName, SharedArray(var.dtype)) for stateName in initial[name])
				self.buffers[var.dtype] = buffers
			for shared in buffers.values():
				shared.register(name, var.shape)

		for buffers in self.buffers.values():
			for shared in buffers.values():
				shared.build()

		states, self.packed = {}, []  # packed: the (data, grad) views each variable was bound to, in order
		for name, var in named:
			buffers = self.buffers[var.dtype]
			data, grad = buffers["data"][name], buffers["grad"][name]
			data.set(var.data.get())
			grad.set(var.grad.get())
			var.data, var.grad = data, grad
			self.packed.append((data, grad))

			states[name] = {}
			for stateName, ary in initial[name].items():
				if stateName not in buffers:
					raise ValueError("%s.setupState: variable %r has state %r the others lack" % (self.who, name, stateName))
				buffers[stateName][name].set(ary.get())
				states[name][stateName] = buffers[stateName][name]
		return states


	def groups(self):
		"""The Groups of the next step: kept while no variable's multipliers, data or grad changed, else rebuilt."""
		if Variable.created != self.created and self.module is not None:
			self.checkModule()
		keys = list(map(MULTIPLIERS, self.vars))
		if keys != self.keys or not all(map(is_, map(DATA, self.vars), self.datas)) or \
				not all(map(is_, map(GRAD, self.vars), self.grads)):
			self.checkBindings()
			self.cached = self.buildGlobal(keys) if self.globalState else self.buildLocal(keys)
			self.keys, self.datas, self.grads = keys, list(map(DATA, self.vars)), list(map(GRAD, self.vars))
		return self.cached


	def checkModule(self):
		"""The module must still hold the variables the optimizer was set up on (setVar replaces one silently)."""
		current = {id(var) for _, var in collect(self.who, self.module)}
		if current != {id(var) for var in self.vars}:
			raise RuntimeError(
				"%s.update: the module's variables changed since setupOn (a variable was replaced, e.g. by setVar); "
				"the optimizer would go on training the old ones: call setupOn again" % self.who
			)
		self.created = Variable.created


	def checkBindings(self):
		"""A variable whose data or grad was replaced since setupOn: fine in local state when the shape and dtype stay
		(the state still fits); an error in global state, where the step would update the packed copy only."""
		for k, (name, var) in enumerate(zip(self.names, self.vars)):
			state = self.states[name]
			if self.globalState:
				if var.data is not self.packed[k][0] or var.grad is not self.packed[k][1]:
					raise RuntimeError(
						"%s.update: variable %r no longer uses the optimizer's global buffers (its data or grad was replaced "
						"after setupOn(useGlobalState=True): by setVar, calcMode, another optimizer's setupOn, or an "
						"assignment); call setupOn again" % (self.who, name)
					)
			else:
				for stateName, ary in state.items():
					if var.grad is None or var.data.shape != ary.shape or var.data.dtype != ary.dtype or var.grad.shape != ary.shape \
							or var.grad.dtype != ary.dtype:
						raise RuntimeError(
							"%s.update: variable %r changed to %s %s since setupOn, its state %r is %s %s; call setupOn again" % (
								self.who, name, var.data.shape, var.data.dtype, stateName, ary.shape, ary.dtype
							)
						)


	def buildLocal(self, keys):
		return [
			Group([name], var.data, var.grad, self.states[name], None, key)
			for name, var, key in zip(self.names, self.vars, keys) if key[0] != 0.0
		]


	def buildGlobal(self, keys):
		groups, k = [], 0
		while k < len(self.vars):
			dtype, key = self.vars[k].dtype, keys[k]
			end = k
			while end + 1 < len(self.vars) and self.vars[end + 1].dtype == dtype and keys[end + 1] == key:
				end += 1

			if key[0] != 0.0:
				buffers = self.buffers[dtype]
				start, stop = buffers["data"].range(self.names[k])[0], buffers["data"].range(self.names[end])[1]
				state = {stateName: shared.buffer for stateName, shared in buffers.items() if stateName not in ("data", "grad")}
				groups.append(Group(self.names[k:end + 1], buffers["data"].buffer, buffers["grad"].buffer, state, slice(start, stop), key))
			k = end + 1
		return groups


	def zeroGrads(self):
		"""One fill per dtype in global state, one per variable in local state."""
		if self.globalState:
			for buffers in self.buffers.values():
				buffers["grad"].buffer.fill(0)
		else:
			for var in self.vars:
				var.grad.fill(0)
