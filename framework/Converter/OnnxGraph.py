"""The ONNX graph under construction: nodes, initializers, unique tensor names, and the tensors' shapes."""
from collections import namedtuple

import numpy as np

# A value flowing through the export: its ONNX name, the shape our module would see (batch from inputShapes,
# used for our own shape checks) and its numpy dtype.
Tensor = namedtuple("Tensor", ["name", "shape", "dtype"])


class OnnxGraph:
	"""Collects what exportOnnx emits; `onnx` is the imported onnx package (imported only when exporting)."""

	def __init__(self, onnx, net):
		self.onnx = onnx
		self.nodes, self.initializers = [], []
		self.taken = set()
		self.byArray = {}  # id(device array) -> initializer name, so a shared Variable is stored once

		# Initializers take the dotted names the net saves its Variables and attributes under
		self.varNames = {id(var): names[0] for var, names in net.getVarTable().items()}
		self.attrNames = {id(ary): name for name, ary in net.getAttrTable().items()}
		self.taken.update(self.varNames.values())
		self.taken.update(self.attrNames.values())


	def fresh(self, base):
		"""A tensor name not used yet: base, else base_1, base_2, ..."""
		name, k = base, 0
		while name in self.taken:
			k += 1
			name = "%s_%d" % (base, k)
		self.taken.add(name)
		return name


	def node(self, opType, inputs, outputs, **attributes):
		self.nodes.append(self.onnx.helper.make_node(opType, list(inputs), list(outputs), **attributes))


	def constant(self, base, values, dtype=np.float32):
		"""An initializer holding fixed values (shapes, split sizes, the constants of a formula)."""
		name = self.fresh(base)
		self.initializers.append(self.onnx.numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
		return name


	def variable(self, var):
		"""The initializer of a Variable, named as the net saves it, in float32."""
		return self.stored(var.data, self.varNames[id(var)])


	def attribute(self, ary):
		"""The initializer of a saved non-trainable array (BatchNorm's running statistics), in float32."""
		return self.stored(ary, self.attrNames[id(ary)])


	def stored(self, ary, name):
		if id(ary) not in self.byArray:
			self.initializers.append(self.onnx.numpy_helper.from_array(np.ascontiguousarray(ary.get(), dtype=np.float32), name))
			self.byArray[id(ary)] = name
		return self.byArray[id(ary)]
