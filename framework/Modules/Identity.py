"""The identity layer (a placeholder in containers)."""
from framework.Modules.Module import Module


class Identity(Module):
	"""y = x; the gradient passes through unchanged. Identity(name=None)."""

	def updateData(self, data):
		return data


	def updateGrad(self, grad):
		return grad
