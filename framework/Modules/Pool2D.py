"""The shared part of MaxPool2D and AvgPool2D: arguments, output geometry and input checks."""
from framework.Modules.Module import Module
from framework.Modules.Utils import convOutSize, pairOf


class Pool2D(Module):
	def __init__(self, size=2, stride=None, pad=0, name=None):
		super().__init__(name)
		who = self.describe()
		self.size = pairOf(who, "size", size, 1)
		self.stride = self.size if stride is None else pairOf(who, "stride", stride, 1)
		self.pad = pairOf(who, "pad", pad, 0)

		# as in torch: a window lying wholly in the padding would have no input to pool
		if any(p > k // 2 for p, k in zip(self.pad, self.size)):
			raise ValueError("%s: pad %s must be at most half the window size %s" % (who, self.pad, self.size))


	def geometry(self, shape):
		"""(H, W, OH, OW, KH, KW, SH, SW, PH, PW) for an NCHW shape."""
		H, W = shape[2], shape[3]
		(KH, KW), (SH, SW), (PH, PW) = self.size, self.stride, self.pad
		return (H, W, convOutSize(H, KH, SH, PH), convOutSize(W, KW, SW, PW), KH, KW, SH, SW, PH, PW)


	def checkDataShape(self, shape):
		if len(shape) != 4:
			raise self.moduleError("expected input of shape (batch, maps, height, width), got %s" % (tuple(shape), ))

		geom = self.geometry(shape)
		if geom[2] < 1 or geom[3] < 1:
			raise self.moduleError("input %s is smaller than the window %s with pad %s" % (tuple(shape[2:]), self.size, self.pad))


	def dataShapeFrom(self, shape):
		geom = self.geometry(shape)
		return (shape[0], shape[1], geom[2], geom[3])
