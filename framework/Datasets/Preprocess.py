"""Host-side helpers that turn raw pixels and labels into what the nets and costs take."""
import numpy as np


def normalize(data, scale=None, mean=None, std=None, dtype=np.float32):
	"""x' = (x / scale - mean) / std, cast to dtype; scale, mean and std default to no change (None)."""
	data = np.asarray(data)
	if data.dtype.kind not in "uif":
		raise TypeError("Datasets.normalize: expected a numeric array, got dtype %s" % data.dtype)

	out = data.astype(dtype, copy=True)
	if scale is not None:
		if scale == 0:
			raise ValueError("Datasets.normalize: scale must be non-zero, got %r" % (scale, ))
		out /= out.dtype.type(scale)
	if mean is not None:
		out -= np.asarray(mean, dtype=out.dtype)
	if std is not None:
		std = np.asarray(std, dtype=out.dtype)
		if np.any(std == 0):
			raise ValueError("Datasets.normalize: std must be non-zero")
		out /= std
	return out


def oneHot(labels, numOfClasses=None, dtype=np.float32):
	"""Row k is 1 at column labels[k], 0 elsewhere; numOfClasses defaults to max(labels) + 1."""
	labels = np.asarray(labels)
	if labels.ndim != 1 or labels.dtype.kind not in "iu":
		raise ValueError("Datasets.oneHot: expected a 1-D integer label array, got %s of dtype %s" % (labels.shape, labels.dtype))

	numOfClasses = int(labels.max()) + 1 if numOfClasses is None and labels.size > 0 else (numOfClasses or 0)
	if labels.size > 0 and (labels.min() < 0 or labels.max() >= numOfClasses):
		raise ValueError("Datasets.oneHot: labels must lie in [0, %d), got range [%d, %d]" % (
			numOfClasses, labels.min(), labels.max()
		))

	out = np.zeros((labels.size, numOfClasses), dtype=dtype)
	out[np.arange(labels.size), labels] = 1
	return out
