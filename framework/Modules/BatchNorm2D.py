"""Batch normalisation of NCHW inputs, one mean and variance per map."""
from framework.Modules.BatchNormND import BatchNormND


class BatchNorm2D(BatchNormND):
	"""y = scale * (x - mean) / sqrt(var + epsilon) + bias per map of an NCHW input (torch BatchNorm2d).

	BatchNorm2D(maps, epsilon=1e-5, momentum=0.1, affine=True, name=None); variables "scale", "bias";
	attributes "mean", "var" hold the running statistics (unbiased var) that evaluation uses.
	"""

	def __init__(self, maps, epsilon=1e-5, momentum=0.1, affine=True, name=None):
		super().__init__(maps, epsilon, momentum, affine, name)
		self.maps = self.size


	def layout(self, shape):
		return shape[0], shape[1], shape[2] * shape[3]


	def checkDataShape(self, shape):
		if len(shape) != 4 or shape[1] != self.size:
			raise self.moduleError("expected input of shape (batch, %d, height, width), got %s" % (self.size, tuple(shape)))
		super().checkDataShape(shape)
