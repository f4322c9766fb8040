"""A directed acyclic graph of modules with several inputs and outputs, branches and merges."""
from framework.Backend import gpuarray
from framework.Backend.SharedKernels import add as addGrads
from framework.Containers.Container import Container
from framework.Containers.Node import Node



class Graph(Container):
	"""Graph(inputs, outputs, name=None): nodes made by module.node(*parents), run in topological order.

	inputs, outputs: a Node or a list of them (an output may also be (node, index)). The graph takes one array
	per input (a list when there are several) and returns one per output. Unnamed modules are named
	<ClassName><k>, k their position in the topological order (depth-first from the outputs, parents in order).
	"""

	def __init__(self, inputs, outputs, name=None):
		super().__init__(name)
		self.inputsWereList, self.outputsWereList = isinstance(inputs, (list, tuple)), isinstance(outputs, (list, tuple))

		self.inputs = list(inputs) if self.inputsWereList else [inputs]
		self.outputs = [self.parseOutput(out) for out in (list(outputs) if self.outputsWereList else [outputs])]
		if not self.inputs or not self.outputs:
			raise ValueError("%s: needs at least one input and one output" % self.describe())

		for k, node in enumerate(self.inputs):
			if not isinstance(node, Node):
				raise TypeError("%s: input %d must be a Node, got %s" % (self.describe(), k, type(node).__name__))
			if node.parents:
				raise ValueError("%s: input %d (%s) has parents; a graph input is a node without parents" % (
					self.describe(), k, node.module.describe()
				))
		if len(set(map(id, self.inputs))) != len(self.inputs):
			raise ValueError("%s: the same node is listed twice as an input" % self.describe())

		self.order = self.sortNodes()
		self.checkReachability()

		# Given names first, so a default name never takes one that a later node asks for.
		self.nodeNames = {}
		for node in self.order:
			if node.module.name is not None:
				self.nodeNames[node] = self.nameFor(node.module, 0)
				self.modules[self.nodeNames[node]] = node.module
		for position, node in enumerate(self.order):
			if node.module.name is None:
				self.nodeNames[node] = self.nameFor(node.module, position)
				self.modules[self.nodeNames[node]] = node.module
		self.modules = {self.nodeNames[node]: node.module for node in self.order}

		self.values, self.owned = {}, {}
		self.calctype = self.order[0].module.calctype
		for node in self.order:
			self.adopt(node.module)


	def parseOutput(self, out):
		if isinstance(out, Node):
			return out, None
		if isinstance(out, tuple) and len(out) == 2 and isinstance(out[0], Node) and isinstance(out[1], int):
			return out
		raise TypeError("%s: an output is a Node or (Node, index), got %r" % (self.describe(), out))


	# --- structure ---------------------------------------------------------------------------------------

	def sortNodes(self):
		"""Topological order by depth-first search from the outputs; a cycle is reported with its path."""
		order, state, path = [], {}, []

		def visit(node):
			mark = state.get(node)
			if mark == "done":
				return
			if mark == "open":
				cycle = path[path.index(node):] + [node]
				raise ValueError("%s: cycle in the graph: %s" % (
					self.describe(), " -> ".join(n.module.describe() for n in reversed(cycle))
				))

			state[node] = "open"
			path.append(node)
			for parent, _ in node.parents:
				visit(parent)
			path.pop()
			state[node] = "done"
			order.append(node)

		for node, _ in self.outputs:
			visit(node)

		modules = {}
		for node in order:
			other = modules.setdefault(id(node.module), node)
			if other is not node:
				raise ValueError("%s: module %s is used by two nodes (a module keeps one forward state; "
					"share Variables instead)" % (self.describe(), node.module.describe()))
		return order


	def checkReachability(self):
		inputs, members = set(self.inputs), set(self.order)

		for node in self.order:
			if not node.parents and node not in inputs:
				raise ValueError("%s: node %s has no parents but is not among the graph inputs" % (
					self.describe(), node.module.describe()
				))
		for k, node in enumerate(self.inputs):
			if node not in members:
				raise ValueError("%s: input %d (%s) does not lead to any output" % (self.describe(), k, node.module.describe()))

		# Forward from the inputs: a node computed from them that feeds no output is dangling.
		seen, stack = set(), list(self.inputs)
		while stack:
			node = stack.pop()
			if node in seen:
				continue
			seen.add(node)
			for child in node.children:
				if child not in members:
					raise ValueError("%s: node %s is computed from the graph but reaches no output (dangling)" % (
						self.describe(), child.module.describe()
					))
				stack.append(child)

		for node, index in self.outputs:
			if node not in seen:
				raise ValueError("%s: output %s is unreachable from the inputs" % (self.describe(), node.module.describe()))


	def nodeByName(self, name):
		for node, nodeName in self.nodeNames.items():
			if nodeName == name:
				return node
		raise KeyError("%s: no node %r (it has %s)" % (self.describe(), name, list(self.modules)))


	# --- forward -----------------------------------------------------------------------------------------

	def checkData(self, data):
		if len(self.inputs) > 1:
			self.checkInputList(data, len(self.inputs), "input arrays")
		else:
			self._checkArray(data, "input")


	def gather(self, node):
		"""The input of a node: its parent's output, or a list of them in parent order."""
		values = [self.select(parent, index) for parent, index in node.parents]
		return values[0] if len(values) == 1 else values


	def select(self, node, index):
		value = self.values[node]
		if index is None:
			return value
		if not isinstance(value, list) or index >= len(value):
			raise self.moduleError("%s returns %s, cannot take output %d" % (
				node.module.describe(), "%d outputs" % len(value) if isinstance(value, list) else "one array", index
			))
		return value[index]


	def updateData(self, data):
		data = data if len(self.inputs) > 1 else [data]
		self.values = {}
		feed = dict(zip(self.inputs, data))

		for node in self.order:
			self.values[node] = node.module(feed[node] if node in feed else self.gather(node))

		outs = [self.select(node, index) for node, index in self.outputs]
		return outs if self.outputsWereList else outs[0]


	def propagateShapes(self, shape):
		"""({node: input shape}, {node: output shape}) for the graph's input shape (a list of them with several inputs)."""
		feed = dict(zip(self.inputs, list(shape) if len(self.inputs) > 1 else [shape]))
		ins, outs = {}, {}
		for node in self.order:
			if node in feed:
				ins[node] = tuple(feed[node])
			else:
				parents = [outs[parent] if index is None else outs[parent][index] for parent, index in node.parents]
				ins[node] = parents[0] if len(parents) == 1 else parents
			outs[node] = node.module.outShape(ins[node])
		return ins, outs


	def dataShapeFrom(self, shape):
		_, outs = self.propagateShapes(shape)
		shapes = [outs[node] if index is None else outs[node][index] for node, index in self.outputs]
		return shapes if self.outputsWereList else shapes[0]


	def childInputShapes(self, shape):
		ins = self.propagateShapes(shape)[0] if shape is not None else {}
		return [(self.nodeNames[node], node.module, ins.get(node)) for node in self.order]


	def childNote(self, name):
		node = self.nodeByName(name)
		if node in self.inputs:
			return " <- input %d" % self.inputs.index(node)
		return " <- " + ", ".join(
			self.nodeNames[parent] + ("[%d]" % index if index is not None else "") for parent, index in node.parents
		)


	# --- backward ----------------------------------------------------------------------------------------

	def backwardChildren(self, grad, updParamGrads, updGrad):
		grads, self.owned = {}, {}
		for (node, index), g in zip(self.outputs, grad if self.outputsWereList else [grad]):
			self.accumulate(grads, node, index, g)

		inputs = set(self.inputs)
		for node in reversed(self.order):
			outGrad = self.completeGrad(node, grads.pop(node))
			inGrad = node.module.backward(outGrad, updParamGrads=updParamGrads, updGrad=updGrad or node not in inputs)
			if node in inputs:
				continue

			inGrads = [inGrad] if len(node.parents) == 1 else inGrad
			for (parent, index), g in zip(node.parents, inGrads):
				self.accumulate(grads, parent, index, g)

		self.owned = {}
		ins = [node.module.grad for node in self.inputs] if updGrad else [None] * len(self.inputs)
		return ins if len(self.inputs) > 1 else ins[0]


	def accumulate(self, grads, node, index, g):
		"""Adds g to the gradient of node's output; a list output keeps one sum per slot."""
		if not isinstance(self.values[node], list):
			grads[node] = self.add(grads.get(node), g)
			return
		slots = grads.setdefault(node, {})
		for k, item in (enumerate(g) if index is None else [(index, g)]):
			slots[k] = self.add(slots.get(k), item)


	def add(self, acc, g):
		if acc is None:
			return g
		# The first contribution is an array owned by the module that produced it: sum into a fresh one.
		out = acc if id(acc) in self.owned else gpuarray.empty_like(acc)
		addGrads(out, acc, g)
		self.owned[id(out)] = out  # held, so the id cannot be reused by another array
		return out


	def completeGrad(self, node, grad):
		"""Slots of a list output collected one by one become a list; unused slots get zeros."""
		if not isinstance(grad, dict):
			return grad
		value = self.values[node]
		return [grad[k] if k in grad else gpuarray.zeros_like(value[k]) for k in range(len(value))]
