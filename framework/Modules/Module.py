"""The base of every layer and container: forward by __call__, backward by backward(grad).

A subclass implements:
  updateData(data) -> output               the forward computation
  updateGrad(grad) -> dL/d(input)          the input gradient, from dL/d(output)
  accGradParams(grad)                      ADDS parameter gradients into var.grad
  checkDataShape(shape), checkGradShape(shape)   raise moduleError(...) on bad input
  dataShapeFrom(shape) -> output shape
and registers its parameters with setVar(name, Variable) and its saved
non-trainable arrays (BatchNorm statistics) with setAttr(name, array).
repr() shows the constructor call, recorded around every subclass's __init__ (no subclass writes a repr).
"""
import functools
import inspect

import numpy as np

from framework import Config, Files
from framework.Backend import gpuarray
from framework.Variable import Variable


_signatures = {}


def constructorCall(cls, args, kwargs):
	"""[(parameter, value)] of a constructor call, defaults filled in; None when the call does not bind."""
	signature = _signatures.get(cls)
	if signature is None:
		signature = _signatures[cls] = inspect.signature(cls.__init__)
	try:
		bound = signature.bind(None, *args, **kwargs)
	except TypeError:
		return None  # __init__ itself reports the bad call
	bound.apply_defaults()
	return [(signature.parameters[name], value) for name, value in list(bound.arguments.items())[1:]]


def formatCall(call):
	"""The argument list of a recorded call: required arguments by position, the others by keyword (name=None omitted)."""
	parts = []
	for parameter, value in call:
		if parameter.kind == parameter.VAR_POSITIONAL:
			parts += [repr(item) for item in value]
		elif parameter.kind == parameter.VAR_KEYWORD:
			parts += ["%s=%r" % item for item in value.items()]
		elif parameter.default is parameter.empty:
			parts.append(repr(value))
		elif not (parameter.name == "name" and value is None):
			parts.append("%s=%r" % (parameter.name, value))
	return ", ".join(parts)


def recordingInit(init):
	"""Wraps an __init__ so that the outermost call (the user's) is recorded as self.initCall; the signature stays."""
	@functools.wraps(init)
	def recordedInit(self, *args, **kwargs):
		if "initCall" not in self.__dict__:
			self.initCall = constructorCall(type(self), args, kwargs)
		init(self, *args, **kwargs)
	return recordedInit


def shapeOf(value):
	"""The shape of an output: a tuple, or a list of them for a module with several outputs."""
	return [tuple(item.shape) for item in value] if isinstance(value, list) else tuple(value.shape)


class Module:
	def __init_subclass__(cls, **kwargs):
		super().__init_subclass__(**kwargs)
		if "__init__" in cls.__dict__:
			cls.__init__ = recordingInit(cls.__init__)


	def __init__(self, name=None):
		if name is not None and (not isinstance(name, str) or not name or "." in name or "/" in name):
			raise ValueError("%s: name must be a non-empty string without '.' or '/', got %r" % (type(self).__name__, name))

		self.name = name
		self.vars = {}
		self.attrs = {}
		self.train = True
		self.calctype = np.dtype(Config.defaultDtype)

		self.inData, self.data, self.grad = None, None, None


	# --- errors ---------------------------------------------------------------------------------------

	def describe(self):
		return "%s %r" % (type(self).__name__, self.name) if self.name is not None else type(self).__name__


	def moduleError(self, message, kind=ValueError):
		"""An exception naming this module; subclasses raise it for bad input."""
		return kind("%s: %s" % (self.describe(), message))


	# --- forward and backward ---------------------------------------------------------------------------

	def __call__(self, data):
		self.checkData(data)
		self.inData = data
		self.data = self.updateData(data)
		return self.data


	def backward(self, grad, updParamGrads=True, updGrad=True):
		if self.data is None:
			raise self.moduleError("backward called before any forward pass", RuntimeError)

		self.checkGrad(grad)
		if updParamGrads:  # as in PyTorch, eval mode changes behaviour (dropout, statistics), not what gets gradients
			self.accGradParams(grad)
		if updGrad:
			self.grad = self.updateGrad(grad)
		return self.grad


	def checkData(self, data):
		"""Validates the forward input: a device array of the module's dtype, then checkDataShape."""
		self._checkArray(data, "input")
		self.checkDataShape(data.shape)


	def checkGrad(self, grad):
		self._checkArray(grad, "gradient")
		expected = self.dataShapeFrom(self.inData.shape) if not isinstance(self.inData, list) else None
		if expected is not None and tuple(grad.shape) != tuple(expected):
			raise self.moduleError("expected gradient of shape %s, got %s" % (tuple(expected), tuple(grad.shape)))
		self.checkGradShape(grad.shape)


	def _checkArray(self, ary, what):
		if isinstance(ary, list):
			for k, item in enumerate(ary):
				self._checkArray(item, "%s %d" % (what, k))
			return
		if not gpuarray.isArray(ary):
			raise self.moduleError("expected a device array as %s, got %s" % (what, type(ary).__name__), TypeError)
		if ary.dtype != self.calctype:
			raise self.moduleError("expected %s of dtype %s, got %s" % (what, self.calctype, ary.dtype), TypeError)


	def updateData(self, data):
		raise NotImplementedError


	def updateGrad(self, grad):
		raise NotImplementedError


	def accGradParams(self, grad):
		pass


	def checkDataShape(self, shape):
		pass


	def checkGradShape(self, shape):
		pass


	def dataShapeFrom(self, shape):
		return shape


	# --- variables and attributes -----------------------------------------------------------------------------

	def setVar(self, name, var):
		if not isinstance(var, Variable):
			raise self.moduleError("setVar(%r) expects a Variable, got %s" % (name, type(var).__name__), TypeError)
		self.vars[name] = var
		if var.name is None:
			var.name = name


	def getVar(self, name):
		try:
			return self.vars[name]
		except KeyError:
			raise self.moduleError("no variable %r (it has %s)" % (name, sorted(self.vars)), KeyError) from None


	def setAttr(self, name, ary):
		if not gpuarray.isArray(ary):
			raise self.moduleError("setAttr(%r) expects a device array, got %s" % (name, type(ary).__name__), TypeError)
		self.attrs[name] = ary


	def getAttr(self, name):
		return self.attrs[name]


	def getVarTable(self):
		"""{Variable: [dotted names]} in a stable order; a variable shared by several modules has several names."""
		table = {}
		self.collectVars("", table)
		return table


	def collectVars(self, prefix, table):
		for name, var in self.vars.items():
			table.setdefault(var, []).append(prefix + name)


	def getAttrTable(self):
		"""{dotted name: array} of the non-trainable arrays saved with the module."""
		table = {}
		self.collectAttrs("", table)
		return table


	def collectAttrs(self, prefix, table):
		for name, ary in self.attrs.items():
			table[prefix + name] = ary


	def numOfParams(self):
		return sum(var.size for var in self.getVarTable())


	# --- modes ---------------------------------------------------------------------------------------------

	def trainMode(self):
		self.train = True
		return self


	def evalMode(self):
		self.train = False
		return self


	def checkCalcType(self, dtype):
		dtype = np.dtype(dtype)
		if dtype not in (np.float32, np.float64):
			raise self.moduleError("calcMode supports float32 and float64, got %s" % dtype, TypeError)
		return dtype


	def calcMode(self, dtype):
		"""Casts the module's variables and attributes to float32 or float64."""
		dtype = self.checkCalcType(dtype)

		for var in self.vars.values():
			if var.dtype != dtype:
				var.data = var.data.astype(dtype)
				var.grad = var.grad.astype(dtype) if var.grad is not None else None
		for name, ary in list(self.attrs.items()):
			if gpuarray.isArray(ary) and ary.dtype.kind == "f" and ary.dtype != dtype:
				self.attrs[name] = ary.astype(dtype)

		self.calctype = dtype
		return self


	# --- files ---------------------------------------------------------------------------------------------

	def save(self, path):
		"""Writes every variable by its dotted name and every attribute to one HDF5 file, atomically."""
		with Files.atomicWrite(path) as f:
			self.saveTo(f)


	def load(self, path):
		"""Reads a file written by save(); any missing, extra or mis-shaped entry is an error and changes nothing."""
		with Files.openForRead(path, "%s.load" % self.describe()) as f:
			self.loadFrom(f, source=str(path))


	def saveTo(self, group):
		"""Writes the module into an open h5py group (checkpoints put module and optimizer in one file)."""
		group.attrs["format"] = "framework.Module"
		varGroup, attrGroup = group.create_group("vars"), group.create_group("attrs")

		for var, names in self.getVarTable().items():
			Files.writeArray(varGroup, names[0], var.data.get())
		for name, ary in self.getAttrTable().items():
			Files.writeArray(attrGroup, name, ary.get())
		Files.seal(group)


	def loadFrom(self, group, source=None):
		"""Reads what saveTo wrote; any mismatch or damage is a ValueError naming the file and changes nothing."""
		self.prepareLoad(group, source)()


	def prepareLoad(self, group, source=None):
		"""Reads and checks a saved module without changing it; returns a function of no arguments that applies it.

		Checkpoints check every part of a file this way before they change any, so a bad file changes nothing.
		"""
		who, source = "%s.load" % self.describe(), Files.sourceOf(group, source)
		if group.attrs.get("format") != "framework.Module":
			raise ValueError("%s: %r is not a module file (format %r)" % (who, source, group.attrs.get("format")))
		sealed = Files.checkSeal(group, who, source)
		saved = Files.readGroup(group["vars"], sealed, who, source)
		savedAttrs = Files.readGroup(group["attrs"], sealed, who, source)

		expected = {names[0]: var.data for var, names in self.getVarTable().items()}
		expectedAttrs = self.getAttrTable()

		problems = Files.compareEntries("variable", expected, saved) + Files.compareEntries("attribute", expectedAttrs, savedAttrs)
		if problems:
			raise ValueError("%s: %r does not match the module:\n  %s" % (who, source, "\n  ".join(problems)))

		def apply():
			for name, ary in expected.items():
				ary.set(np.asarray(saved[name]))
			for name, ary in expectedAttrs.items():
				ary.set(np.asarray(savedAttrs[name]))
		return apply


	# --- graphs --------------------------------------------------------------------------------------------

	# The Graph node class. Containers build on Module, so Module must not import them: framework/Containers/Node.py
	# registers its class here when it is imported (importing framework.Containers, or Graph, does that).
	nodeClass = None


	def node(self, *parents):
		"""Wraps the module in a Graph node; a parent is a node, or (node, index) to take one of its outputs."""
		if Module.nodeClass is None:
			raise RuntimeError("%s.node: Graph nodes are defined in framework.Containers; import it (or Graph) first" % (
				self.describe()
			))
		return Module.nodeClass(self, parents)


	# --- reading -------------------------------------------------------------------------------------------

	def __repr__(self):
		call = getattr(self, "initCall", None)
		return "%s(%s)" % (type(self).__name__, formatCall(call)) if call is not None else self.describe()


	def summary(self, inshape=None):
		"""A table of every layer: dotted name, type, output shape and parameters, then the total; returned as a str.

		Shapes follow from `inshape` (a list of shapes for several inputs) without computing anything, or, without
		it, are those of the last forward pass.
		"""
		if inshape is None and self.data is None:
			raise ValueError("%s.summary: give an input shape or run a forward pass first" % self.describe())
		rows = []
		out = self.summaryRows(self.name if self.name is not None else "", inshape, rows)

		table = [("name", "type", "output shape", "parameters")]
		table += [(name, kind, str(shape), str(params)) for name, kind, shape, params in rows]
		widths = [max(len(row[k]) for row in table + [("total", "", str(out), str(self.numOfParams()))]) for k in range(4)]
		line = lambda row: "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
		rule = "-" * len(line(tuple("-" * width for width in widths)))
		return "\n".join([line(table[0]), rule] + [line(row) for row in table[1:]] + [
			rule, line(("total", "", str(out), str(self.numOfParams())))
		])


	def summaryRows(self, name, shape, rows):
		"""Appends this layer's row (name, type, output shape, parameters) and returns its output shape."""
		out = self.outShape(shape)
		rows.append((name or type(self).__name__, type(self).__name__, out, sum(var.size for var in self.vars.values())))
		return out


	def outShape(self, shape):
		"""The output shape for an input shape, or that of the last forward pass when shape is None."""
		if shape is None:
			return shapeOf(self.data)
		out = self.dataShapeFrom([tuple(s) for s in shape] if isinstance(shape, list) else tuple(shape))
		return [tuple(s) for s in out] if isinstance(out, list) else tuple(out)


# __init_subclass__ wraps the subclasses' constructors; the base's own is wrapped here, once it exists
Module.__init__ = recordingInit(Module.__init__)
