"""Batch normalisation of (batch, size) inputs."""
from framework.Modules.BatchNormND import BatchNormND


class BatchNorm1D(BatchNormND):
	"""y = scale * (x - mean) / sqrt(var + epsilon) + bias per feature of a (batch, size) input (torch BatchNorm1d).

	BatchNorm1D(size, epsilon=1e-5, momentum=0.1, affine=True, name=None); variables "scale", "bias";
	attributes "mean", "var" hold the running statistics (unbiased var) that evaluation uses.
	"""

	def layout(self, shape):
		return shape[0], shape[1], 1


	def checkDataShape(self, shape):
		if len(shape) != 2 or shape[1] != self.size:
			raise self.moduleError("expected input of shape (batch, %d), got %s" % (self.size, tuple(shape)))
		super().checkDataShape(shape)
