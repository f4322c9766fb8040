"""Independent modules side by side: child k maps input k."""
import numbers

from framework.Containers.Container import Container


class Parallel(Container):
	"""Parallel(name=None): [y_1, ..., y_n] = [f_1(x_1), ..., f_n(x_n)]; append/extend add branches."""

	def append(self, module):
		name = self.nameFor(module, len(self.modules))
		self.modules[name] = module
		self.adopt(module)
		self.data = None
		return self


	def extend(self, modules):
		for module in modules:
			self.append(module)
		return self


	def __getitem__(self, key):
		if isinstance(key, numbers.Integral) and not isinstance(key, bool):
			return self.childAt(key)
		return super().__getitem__(key)


	def checkData(self, data):
		self.checkInputList(data, len(self.modules), "inputs (one per branch)")


	def updateData(self, data):
		return [module(x) for module, x in zip(self.modules.values(), data)]


	def backwardChildren(self, grad, updParamGrads, updGrad):
		modules = list(self.modules.values())
		return [
			modules[k].backward(grad[k], updParamGrads=updParamGrads, updGrad=updGrad)
			for k in range(len(modules) - 1, -1, -1)
		][::-1]


	def dataShapeFrom(self, shapes):
		return [module.dataShapeFrom(shape) for module, shape in zip(self.modules.values(), shapes)]


	def childInputShapes(self, shapes):
		shapes = shapes if shapes is not None else [None] * len(self.modules)
		return [(name, module, shape) for (name, module), shape in zip(self.modules.items(), shapes)]
