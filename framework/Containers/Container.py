"""The base of Sequential, Graph and Parallel: named children, dotted variable names, modes passed down.

A child without a name gets `<ClassName><k>`: k is the number of children the container held when the child
was added (its position, for append; Graph: its position in topological order), bumped past names already taken. Construction order alone decides it,
so the same building code gives the same names in every process and checkpoints load.
"""

from framework.Modules.Module import Module


class Container(Module):
	def __init__(self, name=None):
		super().__init__(name)
		self.modules = {}


	# --- children ----------------------------------------------------------------------------------------

	def nameFor(self, module, position):
		"""The name a child is stored under: its own, or the deterministic default."""
		if not isinstance(module, Module):
			raise TypeError("%s: children must be Modules, got %s" % (self.describe(), type(module).__name__))
		if any(child is module for child in self.modules.values()):
			raise ValueError("%s: module %s is already in the container (a module keeps one forward state; "
				"share Variables instead)" % (self.describe(), module.describe()))

		if module.name is not None:
			if module.name in self.modules:
				raise ValueError("%s: duplicate name %r (names must be unique within a container)" % (
					self.describe(), module.name
				))
			return module.name

		k = position
		while "%s%d" % (type(module).__name__, k) in self.modules:
			k += 1
		return "%s%d" % (type(module).__name__, k)


	def __getitem__(self, key):
		if isinstance(key, str):
			head, _, rest = key.partition(".")
			if head not in self.modules:
				raise KeyError("%s: no child %r (it has %s)" % (self.describe(), head, list(self.modules)))
			child = self.modules[head]
			if not rest:
				return child
			if not isinstance(child, Container):
				raise KeyError("%s: child %r is not a container, cannot look up %r" % (self.describe(), head, rest))
			return child[rest]
		raise TypeError("%s: look children up by name (str), got %s" % (self.describe(), type(key).__name__))


	def childAt(self, index):
		"""The child at an int position (negative counts from the end), for the ordered containers."""
		items = list(self.modules.values())
		if not -len(items) <= index < len(items):
			raise IndexError("%s: index %d out of range for %d modules" % (self.describe(), index, len(items)))
		return items[int(index)]


	def __contains__(self, name):
		return name in self.modules


	def __len__(self):
		return len(self.modules)


	def __iter__(self):
		return iter(self.modules.values())


	def named(self):
		"""[(name, module)] in the container's order."""
		return list(self.modules.items())


	# --- variables, attributes, modes ------------------------------------------------------------------

	def collectVars(self, prefix, table):
		for name, module in self.modules.items():
			module.collectVars(prefix + name + ".", table)


	def collectAttrs(self, prefix, table):
		for name, module in self.modules.items():
			module.collectAttrs(prefix + name + ".", table)


	def trainMode(self):
		self.train = True
		for module in self.modules.values():
			module.trainMode()
		return self


	def evalMode(self):
		self.train = False
		for module in self.modules.values():
			module.evalMode()
		return self


	def calcMode(self, dtype):
		dtype = self.checkCalcType(dtype)
		for module in self.modules.values():
			module.calcMode(dtype)
		self.calctype = dtype
		return self


	def checkInputList(self, data, count, what):
		"""A container fed one array per input: data must be a list of `count` device arrays."""
		if not isinstance(data, list) or len(data) != count:
			raise self.moduleError("expected a list of %d %s, got %s" % (
				count, what, "a list of %d" % len(data) if isinstance(data, list) else type(data).__name__
			), TypeError)
		self._checkArray(data, "input")


	def adopt(self, module):
		"""Brings a new child to the container's dtype and mode."""
		if module.calctype != self.calctype:
			module.calcMode(self.calctype)
		module.trainMode() if self.train else module.evalMode()


	# --- backward ----------------------------------------------------------------------------------------

	def backward(self, grad, updParamGrads=True, updGrad=True):
		if self.data is None:
			raise self.moduleError("backward called before any forward pass", RuntimeError)
		self.checkGrad(grad)
		self.grad = self.backwardChildren(grad, updParamGrads, updGrad)
		return self.grad


	def checkGrad(self, grad):
		"""The gradient must match the last output: same structure (array or list), shapes and dtype."""
		self._checkArray(grad, "gradient")
		if isinstance(self.data, list) != isinstance(grad, list):
			raise self.moduleError("expected a gradient %s, got %s" % (
				"list of %d arrays" % len(self.data) if isinstance(self.data, list) else "array",
				"a list" if isinstance(grad, list) else "an array"
			))
		outs, grads = (self.data, grad) if isinstance(grad, list) else ([self.data], [grad])
		if len(outs) != len(grads):
			raise self.moduleError("expected %d gradients, got %d" % (len(outs), len(grads)))
		for k, (out, g) in enumerate(zip(outs, grads)):
			if isinstance(out, list) or isinstance(g, list):
				continue
			if tuple(out.shape) != tuple(g.shape):
				raise self.moduleError("expected gradient %d of shape %s, got %s" % (k, tuple(out.shape), tuple(g.shape)))


	def backwardChildren(self, grad, updParamGrads, updGrad):
		raise NotImplementedError


	def dataShapeFrom(self, shape):
		raise NotImplementedError


	# --- reading -------------------------------------------------------------------------------------------

	def __repr__(self):
		"""The container's call (its name, if any) and one line per child, nested containers indented."""
		lines = ["%s(%s" % (type(self).__name__, "name=%r," % self.name if self.name is not None else "")]
		for name, module in self.modules.items():
			lines += ["  " + line for line in ("%s: %r%s" % (name, module, self.childNote(name))).splitlines()]
		return "\n".join(lines + [")"])


	def childNote(self, name):
		"""Text after a child's line in repr (Graph: where its input comes from)."""
		return ""


	def summaryRows(self, name, shape, rows):
		"""Appends the rows of every descendant layer (dotted names) and returns the container's output shape."""
		prefix = name + "." if name else ""
		for childName, module, inshape in self.childInputShapes(shape):
			module.summaryRows(prefix + childName, inshape, rows)
		return self.outShape(shape)


	def childInputShapes(self, shape):
		"""[(name, child, its input shape)] for the container's input shape; None for every child when shape is None."""
		raise NotImplementedError

