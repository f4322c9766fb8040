"""The 8x8 handwritten digits (1797 images, 10 classes) bundled with scikit-learn: no download needed."""
import numpy as np

from framework.Datasets.DatasetError import DatasetError
from framework.Datasets.Preprocess import normalize


# A fixed split seed, independent of Config.setSeed, so every run tests on the same 360 images
SPLIT_SEED = 20240417


def _sklearnDigits():
	try:
		from sklearn.datasets import load_digits
	except ImportError:
		raise DatasetError(
			"Datasets.loadDigits: the digits data set comes with scikit-learn, which is not installed; "
			"install it with pip install 'framework[examples]'"
		) from None
	bunch = load_digits()
	return bunch.data, bunch.target


def loadDigits(testFraction=0.2, flat=True, dtype=np.float32):
	"""(xTrain, yTrain, xTest, yTest): pixels scaled to [0, 1], labels int32; flat (N, 64) or (N, 1, 8, 8).

	The split is stratified per class and the same on every machine and seed
	(testFraction=0.2 gives 1438 training and 359 test images).
	"""
	data, labels = _sklearnDigits()
	data = normalize(data, scale=16.0, dtype=dtype)
	labels = labels.astype(np.int32)

	trainIdx, testIdx = splitDigits(labels, testFraction)
	if not flat:
		data = data.reshape(-1, 1, 8, 8)
	return data[trainIdx], labels[trainIdx], data[testIdx], labels[testIdx]


def splitDigits(labels, testFraction=0.2, seed=SPLIT_SEED):
	"""(trainIdx, testIdx): a deterministic stratified split; each class gives round(testFraction * count) to the test set."""
	if not 0.0 < testFraction < 1.0:
		raise ValueError("Datasets.splitDigits: testFraction must lie in (0, 1), got %r" % (testFraction, ))

	labels = np.asarray(labels)
	rng = np.random.default_rng(seed)
	trainIdx, testIdx = [], []

	for cls in np.unique(labels):
		members = rng.permutation(np.flatnonzero(labels == cls))
		numOfTest = int(round(testFraction * members.size))
		testIdx.append(members[:numOfTest])
		trainIdx.append(members[numOfTest:])

	# Sorting keeps the original order inside each part; training shuffles anyway
	return np.sort(np.concatenate(trainIdx)), np.sort(np.concatenate(testIdx))
