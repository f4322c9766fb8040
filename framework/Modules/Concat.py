"""Concatenates a list of arrays along one axis."""
import numbers

import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Module import Module

# A part viewed as (outer, inner) sits at column `offset` of the whole viewed as (outer, total).
copyIntoBlock = ElementwiseKernel(
	"const T *part, T *whole, long inner, long total, long offset",
	"whole[(i / inner) * total + offset + i % inner] = part[i]",
	"concatCopyIn"
)

copyFromBlock = ElementwiseKernel(
	"T *part, const T *whole, long inner, long total, long offset",
	"part[i] = whole[(i / inner) * total + offset + i % inner]",
	"concatCopyOut"
)


def normaliseAxis(module, axis, ndim):
	if not -ndim <= axis < ndim:
		raise module.moduleError("axis %d is out of range for %d-d input" % (axis, ndim))
	return axis % ndim


def joinParts(parts, whole, axis):
	"""Copies each part into its block of `whole` along axis."""
	outer = int(np.prod(whole.shape[:axis], dtype=np.int64))
	total, offset = whole.size // max(outer, 1), 0
	for part in parts:
		inner = part.size // max(outer, 1)
		if part.size > 0:
			copyIntoBlock(part, whole, inner, total, offset)
		offset += inner


def splitParts(whole, shapes, axis, dtype):
	"""The blocks of `whole` along axis as new arrays of the given shapes."""
	outer = int(np.prod(whole.shape[:axis], dtype=np.int64))
	total, offset, parts = whole.size // max(outer, 1), 0, []
	for shape in shapes:
		part = gpuarray.empty(shape, dtype)
		inner = part.size // max(outer, 1)
		if part.size > 0:
			copyFromBlock(part, whole, inner, total, offset)
		offset += inner
		parts.append(part)
	return parts


def checkAxis(who, axis):
	if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
		raise ValueError("%s: axis must be an int, got %r" % (who, axis))
	return int(axis)


class Concat(Module):
	"""y = concatenate([x0, x1, ...], axis); the inputs agree on every other axis. Concat(axis=1, name=None).

	Takes a list of arrays; the backward pass returns the list of their gradients.
	"""

	def __init__(self, axis=1, name=None):
		super().__init__(name)
		self.axis = checkAxis(self.describe(), axis)


	def updateData(self, data):
		out = gpuarray.empty(self.dataShapeFrom([x.shape for x in data]), self.calctype)
		joinParts(data, out, normaliseAxis(self, self.axis, data[0].ndim))
		return out


	def updateGrad(self, grad):
		return splitParts(grad, [x.shape for x in self.inData], normaliseAxis(self, self.axis, grad.ndim), self.calctype)


	def checkData(self, data):
		if not isinstance(data, (list, tuple)) or len(data) == 0:
			raise self.moduleError("expected a non-empty list of arrays, got %s" % type(data).__name__, TypeError)
		self._checkArray(list(data), "input")

		first = tuple(data[0].shape)
		axis = normaliseAxis(self, self.axis, len(first))
		for k, x in enumerate(data):
			shape = tuple(x.shape)
			if len(shape) != len(first) or shape[:axis] + shape[axis + 1:] != first[:axis] + first[axis + 1:]:
				raise self.moduleError("input %d has shape %s, expected %s up to axis %d" % (k, shape, first, axis))


	def checkGrad(self, grad):
		self._checkArray(grad, "gradient")
		expected = self.dataShapeFrom([x.shape for x in self.inData])
		if tuple(grad.shape) != expected:
			raise self.moduleError("expected gradient of shape %s, got %s" % (expected, tuple(grad.shape)))


	def dataShapeFrom(self, shapes):
		axis = normaliseAxis(self, self.axis, len(shapes[0]))
		out = list(shapes[0])
		out[axis] = sum(shape[axis] for shape in shapes)
		return tuple(out)
