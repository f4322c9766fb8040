"""A Graph vertex: one module and the nodes its input comes from."""
from framework.Modules.Module import Module


class Node:
	"""Node(module, parents): created by module.node(*parents).

	A parent is a Node (its whole output) or (node, index) (output `index` of a module that returns a list,
	such as Split or Replicate). A node without parents is a graph input; a node with several parents
	receives a list in parent order.
	"""

	def __init__(self, module, parents=()):
		if not isinstance(module, Module):
			raise TypeError("Node: expected a Module, got %s" % type(module).__name__)

		self.module = module
		self.parents = []
		self.children = []

		for parent in parents:
			self.addParent(parent)


	def addParent(self, parent):
		"""Appends one more parent; wiring a node after its creation is how a cycle could arise (Graph rejects it)."""
		if isinstance(parent, tuple):
			if len(parent) != 2 or not isinstance(parent[0], Node) or not isinstance(parent[1], int) or isinstance(parent[1], bool):
				raise TypeError("Node %s: a parent is a Node or (Node, int index), got %r" % (self.module.describe(), parent))
			node, index = parent
			if index < 0:
				raise ValueError("Node %s: output index must be >= 0, got %d" % (self.module.describe(), index))
		elif isinstance(parent, Node):
			node, index = parent, None
		else:
			raise TypeError("Node %s: a parent is a Node or (Node, int index), got %s" % (
				self.module.describe(), type(parent).__name__
			))

		self.parents.append((node, index))
		node.children.append(self)
		return self


	@property
	def name(self):
		return self.module.name


	def __repr__(self):
		return "Node(%s)" % self.module.describe()


# Module.node() creates nodes through this registration, so that Module needs no import of Containers
Module.nodeClass = Node
