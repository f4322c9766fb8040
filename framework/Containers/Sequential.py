"""Modules applied one after another."""
import numbers

from framework.Containers.Container import Container


class Sequential(Container):
	"""Sequential(name=None): y = f_n(... f_2(f_1(x))).

	append, extend, insert, pop; net[k], net[a:b] (a new Sequential over the same modules and names) and
	net["name"] (or "block.child" through nested containers). An empty Sequential is the identity.
	"""

	# --- editing -----------------------------------------------------------------------------------------

	def append(self, module):
		return self.insert(len(self.modules), module)


	def extend(self, modules):
		for module in modules:
			self.append(module)
		return self


	def insert(self, index, module):
		"""Inserts before position `index` (negative counts from the end, as list.insert)."""
		name = self.nameFor(module, len(self.modules))

		items = list(self.modules.items())
		index = max(0, min(len(items), index + len(items) if index < 0 else index))
		items.insert(index, (name, module))
		self.modules = dict(items)

		self.adopt(module)
		self.data = None
		return self


	def pop(self, index=-1):
		items = list(self.modules.items())
		if not items:
			raise IndexError("%s: pop from an empty Sequential" % self.describe())
		if not -len(items) <= index < len(items):
			raise IndexError("%s: index %d out of range for %d modules" % (self.describe(), index, len(items)))
		_, module = items.pop(index)
		self.modules = dict(items)
		self.data = None
		return module


	def __getitem__(self, key):
		if isinstance(key, bool):
			raise TypeError("%s: index must be an int, a slice or a name, got bool" % self.describe())
		if isinstance(key, numbers.Integral):
			return self.childAt(key)
		if isinstance(key, slice):
			part = Sequential()
			for name, module in list(self.modules.items())[key]:
				part.modules[name] = module
			part.calctype, part.train = self.calctype, self.train
			return part
		return super().__getitem__(key)


	# --- computation -------------------------------------------------------------------------------------

	def checkData(self, data):
		self._checkArray(data, "input")


	def updateData(self, data):
		for module in self.modules.values():
			data = module(data)
		return data


	def backwardChildren(self, grad, updParamGrads, updGrad):
		modules = list(self.modules.values())
		for k in range(len(modules) - 1, -1, -1):
			# The first module's input gradient is wanted only when the caller wants ours.
			grad = modules[k].backward(grad, updParamGrads=updParamGrads, updGrad=updGrad or k > 0)
		return grad


	def dataShapeFrom(self, shape):
		for module in self.modules.values():
			shape = module.dataShapeFrom(shape)
		return shape


	def childInputShapes(self, shape):
		children = []
		for name, module in self.modules.items():
			children.append((name, module, shape))
			shape = module.outShape(shape) if shape is not None else None
		return children
