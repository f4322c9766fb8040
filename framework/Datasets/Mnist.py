"""MNIST from a local directory: the four standard IDX files (raw or .gz) or Keras' mnist.npz. Never downloads."""
import gzip
import os
import zipfile

import numpy as np

from framework.Datasets.DatasetError import DatasetError
from framework.Datasets.Preprocess import normalize


IDX_FILES = {
	"xTrain": "train-images-idx3-ubyte", "yTrain": "train-labels-idx1-ubyte",
	"xTest": "t10k-images-idx3-ubyte", "yTest": "t10k-labels-idx1-ubyte"
}
NPZ_KEYS = {"xTrain": "x_train", "yTrain": "y_train", "xTest": "x_test", "yTest": "y_test"}

# IDX type codes (the third byte of the magic number) and the numpy types they store, big-endian
IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def readIdx(path):
	"""The array stored in one IDX file (gzip-compressed when the name ends in .gz); DatasetError when malformed."""
	try:
		opener = gzip.open if str(path).endswith(".gz") else open
		with opener(path, "rb") as f:
			raw = f.read()
	except FileNotFoundError:
		raise DatasetError("Datasets.readIdx: no such file %r" % str(path)) from None
	except (OSError, EOFError) as e:
		raise DatasetError("Datasets.readIdx: cannot read %r (%s)" % (str(path), e)) from None

	if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
		raise DatasetError("Datasets.readIdx: %r is not an IDX file (bad magic number %s)" % (str(path), raw[:4].hex()))

	dtype, ndim = np.dtype(IDX_TYPES[raw[2]]), raw[3]
	header = 4 + 4 * ndim
	if len(raw) < header:
		raise DatasetError("Datasets.readIdx: %r is truncated inside its header" % str(path))

	shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
	expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
	if len(raw) != expected:
		raise DatasetError("Datasets.readIdx: %r should hold %d bytes for shape %s, has %d (truncated or corrupt)" % (
			str(path), expected, shape, len(raw)
		))
	return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def loadMnist(dataDir, flat=True, dtype=np.float32):
	"""(xTrain, yTrain, xTest, yTest) from dataDir: pixels scaled to [0, 1], labels int32; flat (N, 784) or (N, 1, 28, 28).

	Looks for mnist.npz first, then the four IDX files (each raw or .gz).
	"""
	dataDir = os.fspath(dataDir)
	if not os.path.isdir(dataDir):
		raise DatasetError("Datasets.loadMnist: data directory %r does not exist" % dataDir)

	npz = os.path.join(dataDir, "mnist.npz")
	parts = _loadNpz(npz) if os.path.exists(npz) else _loadIdxDir(dataDir)

	for kind in ("Train", "Test"):
		images, labels = parts["x" + kind], parts["y" + kind]
		if images.ndim != 3 or images.shape[1:] != (28, 28):
			raise DatasetError("Datasets.loadMnist: %s images in %r must have shape (N, 28, 28), got %s" % (
				kind.lower(), dataDir, images.shape
			))
		if labels.shape != (images.shape[0], ):
			raise DatasetError("Datasets.loadMnist: %d %s images but labels of shape %s in %r" % (
				images.shape[0], kind.lower(), labels.shape, dataDir
			))
		if labels.size > 0 and (labels.min() < 0 or labels.max() > 9):
			raise DatasetError("Datasets.loadMnist: %s labels in %r must lie in 0..9, got %d..%d" % (
				kind.lower(), dataDir, labels.min(), labels.max()
			))

	result = []
	for kind in ("Train", "Test"):
		images = normalize(parts["x" + kind], scale=255.0, dtype=dtype)
		images = images.reshape(images.shape[0], -1) if flat else images.reshape(images.shape[0], 1, 28, 28)
		result += [images, parts["y" + kind].astype(np.int32)]
	return tuple(result)


def _loadNpz(path):
	try:
		with np.load(path, allow_pickle=False) as f:
			missing = [key for key in NPZ_KEYS.values() if key not in f.files]
			if missing:
				raise DatasetError("Datasets.loadMnist: %r lacks the arrays %s (it has %s)" % (path, missing, f.files))
			return {name: f[key] for name, key in NPZ_KEYS.items()}
	except DatasetError:
		raise
	except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
		raise DatasetError("Datasets.loadMnist: %r is not a readable .npz file (%s)" % (path, e)) from None


def _loadIdxDir(dataDir):
	paths, missing = {}, []
	for name, stem in IDX_FILES.items():
		candidates = [os.path.join(dataDir, stem + suffix) for suffix in ("", ".gz")]
		found = [p for p in candidates if os.path.exists(p)]
		if found:
			paths[name] = found[0]
		else:
			missing.append(stem + "[.gz]")

	if missing:
		raise DatasetError("Datasets.loadMnist: %r has neither mnist.npz nor the IDX files %s" % (dataDir, ", ".join(missing)))
	return {name: readIdx(path) for name, path in paths.items()}
