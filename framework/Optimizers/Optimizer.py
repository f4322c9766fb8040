"""The base of every optimizer: iteration, global state, multipliers, hooks and files.

A subclass writes two methods and its kernel:

  setupState(var) -> {stateName: array}
      Fresh state for one Variable: device arrays of var's shape and dtype with
      their initial values (the same names for every variable). In global mode the
      base copies them into one SharedArray per state name per dtype.

  updateVar(var, state, lr, range)
      One fused kernel launch. `var` exposes .data, .grad, .learnRate, .momRate,
      .weightDecay (the multipliers); `state` is {stateName: array} aligned with
      var.data; `lr` is already learnRate x var.learnRate; `range` is None (local
      mode: var is the Variable itself) or a slice over the global buffers (var is
      then a group of variables sharing one set of multipliers, its arrays the whole
      buffers). Pass `range=range` to the kernel. Apply the momRate multiplier to
      momentum-like coefficients and weightDecay to any built-in decay term.
      self.t is already incremented for the step being made.

Optional: `hyperparameters` (names saved to files and restored by load),
checkError(error) (validates update's argument) and scalarState()/setScalarState()
for host-side state that must survive a checkpoint.

Frozen variables (learnRate multiplier 0) are never launched over: their
parameters and state stay untouched. Hooks run before every update in both modes.
"""
import json
import numbers

import numpy as np

from framework import Files
from framework.Backend.SharedArray import SharedArray
from framework.Variable import Variable


class Group:
	"""A run of variables (global mode) with one set of multipliers; its arrays are the whole buffers."""
	__slots__ = ("data", "grad", "learnRate", "momRate", "weightDecay", "names")

	def __init__(self, data, grad, key, names):
		self.data, self.grad, self.names = data, grad, names
		self.learnRate, self.momRate, self.weightDecay = key


class Launch:
	"""One kernel launch of an update: the var (or Group), its state, the range and the learnRate multiplier."""
	__slots__ = ("var", "state", "range", "lrMult")

	def __init__(self, var, state, range, lrMult):
		self.var, self.state, self.range, self.lrMult = var, state, range, lrMult


class Optimizer:
	hyperparameters = ("learnRate", )
	# Whether update() needs every step's error: Trainer reads the loss back per step only for such an optimizer
	needsError = False


	def __init__(self, learnRate, nodeinfo=None):
		self.learnRate = learnRate
		self.nodeinfo = nodeinfo
		self.t = 0
		self.hooks = []

		self.names, self.vars = [], []  # trainable variables in buffer order, with their names
		self.states = {}  # name -> {stateName: array}
		self.globalState = False
		self.buffers = {}  # dtype -> {"data": SharedArray, "grad": SharedArray, stateName: SharedArray}

		self.launches, self.keys = None, None
		self.ready = False


	# --- hyperparameters ----------------------------------------------------------------------------------

	@property
	def learnRate(self):
		return self._learnRate


	@learnRate.setter
	def learnRate(self, value):
		self._learnRate = self.checkParam("learnRate", value, low=0.0)


	def checkParam(self, name, value, low=None, high=None, lowOpen=False, highOpen=False):
		"""Validates a scalar hyperparameter against [low, high] (open ends when asked); returns it as a float."""
		if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
			raise TypeError("%s: %s must be a real number, got %r" % (type(self).__name__, name, value))

		value = float(value)
		bad = not np.isfinite(value)
		bad = bad or (low is not None and (value <= low if lowOpen else value < low))
		bad = bad or (high is not None and (value >= high if highOpen else value > high))
		if bad:
			interval = "%s%s, %s%s" % (
				"(" if lowOpen else "[", "-inf" if low is None else low, "inf" if high is None else high, ")" if highOpen else "]"
			)
			raise ValueError("%s: %s must lie in %s, got %r" % (type(self).__name__, name, interval, value))
		return value


	def getHyperparameters(self):
		return {name: getattr(self, name) for name in self.hyperparameters}


	# --- setup ---------------------------------------------------------------------------------------------

	def setupOn(self, target, useGlobalState=False):
		"""Takes the trainable variables of a Module (getVarTable) or a list of Variables; resets t and state."""
		named = self.collect(target)

		self.globalState = bool(useGlobalState)
		self.t, self.states, self.buffers = 0, {}, {}
		self.launches, self.keys = None, None

		if self.globalState:
			self.setupGlobal(named)
		else:
			self.names = [name for name, _ in named]
			self.vars = [var for _, var in named]
			self.states = {name: self.setupState(var) for name, var in named}
		self.ready = True
		return self


	def collect(self, target):
		who = type(self).__name__
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


	def setupGlobal(self, named):
		"""Packs the variables of each dtype into one parameter, one gradient and one buffer per state name."""
		# Equal multipliers sit next to each other, so a group is one contiguous range.
		firstSeen = {}
		for _, var in named:
			firstSeen.setdefault((var.dtype.str, ) + self.multKey(var), len(firstSeen))
		order = sorted(range(len(named)), key=lambda k: (firstSeen[(named[k][1].dtype.str, ) + self.multKey(named[k][1])], k))
		named = [named[k] for k in order]

		self.names = [name for name, _ in named]
		self.vars = [var for _, var in named]

		initial = {name: self.setupState(var) for name, var in named}
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

		for name, var in named:
			buffers = self.buffers[var.dtype]
			data, grad = buffers["data"][name], buffers["grad"][name]
			data.set(var.data.get())
			grad.set(var.grad.get())
			var.data, var.grad = data, grad

			self.states[name] = {}
			for stateName, ary in initial[name].items():
				if stateName not in buffers:
					raise ValueError("%s.setupState: variable %r has state %r the others lack" % (type(self).__name__, name, stateName))
				buffers[stateName][name].set(ary.get())
				self.states[name][stateName] = buffers[stateName][name]


	@staticmethod
	def multKey(var):
		return (float(var.learnRate), float(var.momRate), float(var.weightDecay))


	def getState(self, name):
		"""{stateName: array} of one variable by its name (views of the global buffers in global mode)."""
		return self.states[name]


	# --- the step ------------------------------------------------------------------------------------------

	def buildLaunches(self, keys):
		launches = []
		if not self.globalState:
			for name, var, key in zip(self.names, self.vars, keys):
				if key[0] != 0.0:
					launches.append(Launch(var, self.states[name], None, key[0]))
			return launches

		k = 0
		while k < len(self.vars):
			dtype, key = self.vars[k].dtype, keys[k]
			end = k
			while end + 1 < len(self.vars) and self.vars[end + 1].dtype == dtype and keys[end + 1] == key:
				end += 1

			if key[0] != 0.0:
				buffers = self.buffers[dtype]
				start, stop = buffers["data"].range(self.names[k])[0], buffers["data"].range(self.names[end])[1]
				group = Group(buffers["data"].buffer, buffers["grad"].buffer, key, self.names[k:end + 1])
				state = {stateName: shared.buffer for stateName, shared in buffers.items() if stateName not in ("data", "grad")}
				launches.append(Launch(group, state, slice(start, stop), key[0]))
			k = end + 1

		return launches


	def getLaunches(self):
		"""The precomputed launch list, rebuilt only when some variable's multipliers changed."""
		keys = self.keys
		if keys is not None:
			for var, key in zip(self.vars, keys):
				if var.learnRate != key[0] or var.momRate != key[1] or var.weightDecay != key[2]:
					keys = None
					break

		if keys is None:
			self.keys = [self.multKey(var) for var in self.vars]
			self.launches = self.buildLaunches(self.keys)
		return self.launches


	def update(self, error=None):
		"""Runs the hooks, then one step: t += 1 and one kernel per launch (per variable, or per group in global mode)."""
		if not self.ready:
			raise RuntimeError("%s.update: call setupOn(target) first" % type(self).__name__)

		self.checkError(error)
		launches = self.getLaunches()
		for hook in self.hooks:
			hook(launches)

		self.t += 1
		learnRate = self._learnRate
		for launch in launches:
			self.updateVar(launch.var, launch.state, learnRate * launch.lrMult, launch.range)
		self.afterUpdate(error)


	def checkError(self, error):
		"""Validates update's error (a float, a numpy scalar or a 0-d host array, or None); a subclass may require it."""
		if error is None:
			return
		try:
			ok = not isinstance(error, (bool, np.bool_, str, bytes)) and np.ndim(error) == 0 and np.isrealobj(error)
			float(error)
		except (TypeError, ValueError):
			ok = False
		if not ok:
			raise TypeError("%s.update: error must be a real number or None, got %r" % (type(self).__name__, error))


	def afterUpdate(self, error):
		pass


	def zeroGradParams(self):
		"""Zeroes every gradient: one fill per dtype in global mode."""
		if self.globalState:
			for buffers in self.buffers.values():
				buffers["grad"].buffer.fill(0)
		else:
			for var in self.vars:
				var.grad.fill(0)


	def addHook(self, hook):
		"""Adds a gradient hook (framework.Optimizers.Hooks); hooks run in order before each update."""
		if not callable(hook):
			raise TypeError("%s.addHook: expected a hook (callable on the launch list), got %s" % (type(self).__name__, type(hook).__name__))
		self.hooks.append(hook)
		return hook


	def setupState(self, var):
		raise NotImplementedError


	def updateVar(self, var, state, lr, range):
		raise NotImplementedError


	def scalarState(self):
		return {}


	def setScalarState(self, scalars):
		pass


	# --- files ---------------------------------------------------------------------------------------------

	def save(self, path):
		"""Writes hyperparameters, t and per-variable state (keyed by variable name) to HDF5, atomically."""
		with Files.atomicWrite(path) as f:
			self.saveTo(f)


	def load(self, path):
		"""Reads a file written by save() into an optimizer already set up on the same variables (either mode)."""
		with Files.openForRead(path, "%s.load" % type(self).__name__) as f:
			self.loadFrom(f, source=str(path))


	def saveTo(self, group):
		if not self.ready:
			raise RuntimeError("%s.save: call setupOn(target) first" % type(self).__name__)
		group.attrs["format"] = "framework.Optimizer"
		group.attrs["version"] = 1
		group.attrs["class"] = type(self).__name__
		group.attrs["t"] = self.t
		group.attrs["hyperparameters"] = json.dumps(self.getHyperparameters())
		group.attrs["scalars"] = json.dumps(self.scalarState())

		stateGroup = group.create_group("state")
		for name in self.names:
			varGroup = stateGroup.create_group(name)
			for stateName, ary in self.states[name].items():
				varGroup.create_dataset(stateName, data=ary.get())


	def loadFrom(self, group, source="<group>"):
		who = "%s.load" % type(self).__name__
		if not self.ready:
			raise RuntimeError("%s: call setupOn(target) first, then load" % who)
		if group.attrs.get("format") != "framework.Optimizer":
			raise ValueError("%s: %r is not an optimizer file (format %r)" % (who, source, group.attrs.get("format")))
		if group.attrs.get("class") != type(self).__name__:
			raise ValueError("%s: %r holds the state of %s, not %s" % (who, source, group.attrs.get("class"), type(self).__name__))

		expected, saved = {}, {}
		stateGroup = group["state"]
		for name in self.names:
			for stateName, ary in self.states[name].items():
				expected["%s/%s" % (name, stateName)] = ary
		for name in stateGroup:
			for stateName in stateGroup[name]:
				saved["%s/%s" % (name, stateName)] = stateGroup[name][stateName][()]

		problems = Files.compareEntries("state", expected, saved)
		if problems:
			raise ValueError("%s: %r does not match the optimizer:\n  %s" % (who, source, "\n  ".join(problems)))

		hyper = json.loads(group.attrs["hyperparameters"])
		for name in self.hyperparameters:
			if name in hyper:
				value = hyper[name]
				setattr(self, name, tuple(value) if isinstance(value, list) else value)

		for key, ary in expected.items():
			ary.set(np.asarray(saved[key]))
		self.t = int(group.attrs["t"])
		self.setScalarState(json.loads(group.attrs["scalars"]))
