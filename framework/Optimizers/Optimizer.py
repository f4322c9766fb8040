"""The base of every optimizer: the subclass contract, the step, the hooks and files.

A subclass (one file: a numpy `reference` step, its kernel, then the class) writes:

  name = Hyperparameter(default, low=..., high=...)   for each hyperparameter, learnRate included
      The one declaration of it: the constructor (generated from the declarations in order, plus
      nodeinfo=None, unless the class writes its own), validation at construction, on assignment and
      on load, repr, files, the CLI's --opt and the docs' parameter tables all come from it.

  setupState(var) -> {stateName: array}
      Fresh state for one Variable: device arrays of var's shape and dtype with their initial values
      (the same names for every variable). In global state ParamLayout packs them into shared buffers.

  updateVar(var, state, lr, range)
      One fused kernel launch. `var` is a ParamLayout.Group: .data, .grad and the multipliers .momRate,
      .weightDecay (apply momRate to momentum-like coefficients and weightDecay to a built-in decay term);
      `state` is {stateName: array} aligned with var.data; `lr` is already learnRate x the group's learnRate
      multiplier; `range` is None (one variable's own arrays) or a slice over the global buffers. Pass
      `range=range` to the kernel. self.t is already incremented for the step being made.

Optional: checkError(error) (validates update's argument), afterUpdate(error), scalarState() /
setScalarState() for host-side state that must survive a checkpoint, and `tuned`: {hyperparameter: value}
that train the command line's digits MLP well (`python -m framework train/compare` start from it).
"""
import inspect
import json
import math
import numbers

import numpy as np

from framework import Files
from framework.Optimizers import ParamLayout
from framework.Optimizers.Hyperparameter import REQUIRED, Hyperparameter, declarations

FORMAT = "framework.Optimizer"  # the file version is Files.VERSION, written by Files.seal


class Optimizer:
	learnRate = Hyperparameter(low=0.0)  # required here; each optimizer redeclares it with its default
	tuned = {}
	# Whether update() needs every step's error: Trainer reads the loss back per step only for such an optimizer
	needsError = False


	def __init_subclass__(cls, **kwargs):
		super().__init_subclass__(**kwargs)
		cls.hyperparameters = declarations(cls)
		if "__init__" not in vars(cls):
			cls.__init__ = generatedInit(cls)


	def __init__(self, learnRate, nodeinfo=None):
		self.learnRate = learnRate
		if nodeinfo is not None and not callable(getattr(nodeinfo, "averageGradients", None)):
			raise TypeError("%s: nodeinfo must be a framework.Distributed.NodeInfo or None, got %s" % (type(self).__name__, type(nodeinfo).__name__))
		self.nodeinfo = nodeinfo
		self.t = 0
		self.hooks = []
		self.layout = None


	def getHyperparameters(self):
		return {name: getattr(self, name) for name in self.hyperparameters}


	def __repr__(self):
		return "%s(%s)" % (type(self).__name__, ", ".join("%s=%r" % item for item in self.getHyperparameters().items()))


	# --- setup ---------------------------------------------------------------------------------------------

	def setupOn(self, target, useGlobalState=False):
		"""Takes the trainable variables of a Module (getVarTable) or a list of Variables; resets t and state."""
		self.layout = ParamLayout.ParamLayout(type(self).__name__, target, self.setupState, useGlobalState)
		self.t = 0
		if self.nodeinfo is not None:  # data-parallel: every rank the same variables, all starting from rank 0's values
			self.nodeinfo.replicate(type(self).__name__ + ".setupOn", self.layout)
		return self


	globalState = property(lambda self: self.layout is not None and self.layout.globalState)
	names = property(lambda self: self.layout.names if self.layout is not None else [])
	vars = property(lambda self: self.layout.vars if self.layout is not None else [])
	states = property(lambda self: self.layout.states if self.layout is not None else {})
	buffers = property(lambda self: self.layout.buffers if self.layout is not None else {})


	def getState(self, name):
		"""{stateName: array} of one variable by its name (views of the global buffers in global state)."""
		return self.layout.states[name]


	def getGroups(self):
		"""The ParamLayout.Groups the next update launches over (one per variable, or per run in global state)."""
		return self.requireSetup("getGroups").groups()


	def requireSetup(self, what):
		if self.layout is None:
			raise RuntimeError("%s.%s: call setupOn(target) first" % (type(self).__name__, what))
		return self.layout


	# --- the step ------------------------------------------------------------------------------------------

	def update(self, error=None):
		"""Runs the hooks, then one step: t += 1 and one kernel per Group. A hook returning True skips the step."""
		layout = self.requireSetup("update")
		groups = layout.groups()
		if self.nodeinfo is not None:  # data-parallel: the checks, hooks and step see the means over the ranks
			self.nodeinfo.averageGradients(groups)
			error = self.nodeinfo.meanValue(error) if error is not None and self.needsError else error
		self.checkError(error)
		for hook in self.hooks:
			if hook(groups):
				return

		self.t += 1
		learnRate = self.learnRate
		for group in groups:
			self.updateVar(group, group.state, learnRate * group.learnRate, group.range)
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
		"""Zeroes every gradient: one fill per dtype in global state."""
		if self.layout is not None:
			self.layout.zeroGrads()


	def addHook(self, hook):
		"""Adds a gradient hook (framework.Optimizers.Hooks); hooks run in order before each update."""
		if not callable(hook):
			raise TypeError("%s.addHook: expected a hook (callable on the list of groups), got %s" % (type(self).__name__, type(hook).__name__))
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
		self.requireSetup("save")
		with Files.atomicWrite(path) as f:
			self.saveTo(f)


	def load(self, path):
		"""Reads a file written by save() into an optimizer already set up on the same variables (either mode)."""
		with Files.openForRead(path, "%s.load" % type(self).__name__) as f:
			self.loadFrom(f, source=str(path))


	def saveTo(self, group):
		layout = self.requireSetup("save")
		group.attrs["format"] = FORMAT
		group.attrs["class"] = type(self).__name__
		group.attrs["t"] = self.t
		group.attrs["hyperparameters"] = json.dumps(self.getHyperparameters())
		group.attrs["scalars"] = json.dumps(self.scalarState())

		stateGroup = group.create_group("state")
		for name in layout.names:
			varGroup = stateGroup.create_group(name)
			for stateName, ary in layout.states[name].items():
				Files.writeArray(varGroup, stateName, ary.get())
		Files.seal(group)


	def loadFrom(self, group, source=None):
		self.prepareLoad(group, source)()


	def prepareLoad(self, group, source=None):
		"""Reads and checks everything in an h5py group written by saveTo (class, hyperparameters, state names, shapes
		and dtypes, t, scalar state) without changing the optimizer; returns a callable that applies it.
		Errors are ValueErrors naming `source` (by default the group's file)."""
		source = Files.sourceOf(group, source)
		who = "%s.load: %r" % (type(self).__name__, source)
		layout = self.requireSetup("load")
		attrs = group.attrs
		if attrs.get("format") != FORMAT:
			raise ValueError("%s is not an optimizer file (format %r)" % (who, attrs.get("format")))
		if attrs.get("class") != type(self).__name__:
			raise ValueError("%s holds the state of %s, not %s" % (who, attrs.get("class"), type(self).__name__))

		sealed = Files.checkSeal(group, who, source)
		try:
			t, saved = attrs["t"], json.loads(attrs["hyperparameters"])
			scalars = json.loads(attrs["scalars"])
			stateGroup = group["state"]
			arrays = {
				"%s/%s" % (name, stateName): Files.readArray(stateGroup[name][stateName], sealed, who, source)
				for name in stateGroup for stateName in stateGroup[name]
			}
		except (KeyError, ValueError, TypeError, OSError) as e:
			raise ValueError("%s is corrupt or incomplete (%s)" % (who, e)) from None

		if isinstance(t, (bool, np.bool_)) or not isinstance(t, numbers.Integral) or t < 0:
			raise ValueError("%s: t must be a non-negative integer, got %r" % (who, t))
		if not isinstance(saved, dict) or set(saved) - set(self.hyperparameters):
			raise ValueError("%s: hyperparameters %r are not those of %s (%s)" % (
				who, saved, type(self).__name__, ", ".join(self.hyperparameters)
			))
		hyper = {name: self.hyperparameters[name].check(value, who) for name, value in saved.items()}
		scalars = self.checkScalars(scalars, who)

		expected = {"%s/%s" % (name, stateName): ary for name in layout.names for stateName, ary in layout.states[name].items()}
		problems = Files.compareEntries("state", expected, arrays)
		if problems:
			raise ValueError("%s does not match the optimizer:\n  %s" % (who, "\n  ".join(problems)))

		def apply():
			for name, value in hyper.items():
				setattr(self, name, value)
			for key, ary in expected.items():
				ary.set(np.asarray(arrays[key]))
			self.t = int(t)
			self.setScalarState(scalars)
		return apply


	def checkScalars(self, scalars, who):
		"""The file's scalar state must have the names scalarState() has, each None or a finite real number."""
		names = set(self.scalarState())
		if not isinstance(scalars, dict) or set(scalars) != names or not all(
				value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value))
				for value in scalars.values()):
			raise ValueError("%s: scalar state must be {%s} with finite numbers or null, got %r" % (who, ", ".join(sorted(names)), scalars))
		return scalars


def generatedInit(cls):
	"""The constructor of an optimizer class without its own: the declared hyperparameters in order, then nodeinfo."""
	kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
	params = [inspect.Parameter("self", kind)] + [
		inspect.Parameter(name, kind, default=inspect.Parameter.empty if spec.default is REQUIRED else spec.default)
		for name, spec in cls.hyperparameters.items()
	] + [inspect.Parameter("nodeinfo", kind, default=None)]
	signature = inspect.Signature(params)

	def __init__(self, *args, **kwargs):
		try:
			values = signature.bind(self, *args, **kwargs)
		except TypeError as e:
			raise TypeError("%s: %s" % (type(self).__name__, e)) from None
		values.apply_defaults()
		values = dict(values.arguments)
		Optimizer.__init__(self, values["learnRate"], values["nodeinfo"])
		for name in cls.hyperparameters:
			if name != "learnRate":
				setattr(self, name, values[name])

	__init__.__signature__ = signature
	__init__.__qualname__ = "%s.__init__" % cls.__qualname__
	return __init__


Optimizer.hyperparameters = declarations(Optimizer)
