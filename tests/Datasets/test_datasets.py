"""Digits split, preprocessing helpers, and the MNIST loaders on small files the tests write."""
import gzip
import os
import sys

import numpy as np
import pytest

from framework.Datasets import DatasetError, loadDigits, loadMnist, normalize, oneHot, readIdx, splitDigits


def writeIdx(path, ary, compress=False):
	codes = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C}
	header = bytes([0, 0, codes[ary.dtype], ary.ndim]) + np.array(ary.shape, dtype=">u4").tobytes()
	raw = header + ary.astype(ary.dtype.newbyteorder(">")).tobytes()
	with (gzip.open if compress else open)(path, "wb") as f:
		f.write(raw)


def fakeMnist(rng, train=12, test=5):
	return (
		rng.integers(0, 256, (train, 28, 28), dtype=np.uint8), rng.integers(0, 10, train, dtype=np.uint8),
		rng.integers(0, 256, (test, 28, 28), dtype=np.uint8), rng.integers(0, 10, test, dtype=np.uint8)
	)


def writeIdxDir(directory, parts, compress):
	names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
	for name, ary in zip(names, parts):
		writeIdx(os.path.join(directory, name + (".gz" if compress else "")), ary, compress)


# --- digits -----------------------------------------------------------------------------------------------

def test_digitsSplitIsDeterministicStratifiedAndScaled():
	pytest.importorskip("sklearn")
	xTrain, yTrain, xTest, yTest = loadDigits()
	again = loadDigits()

	assert xTrain.shape == (1438, 64) and xTest.shape == (359, 64)
	assert xTrain.dtype == np.float32 and yTrain.dtype == np.int32
	assert 0.0 <= xTrain.min() and xTrain.max() == 1.0
	for a, b in zip((xTrain, yTrain, xTest, yTest), again):
		assert np.array_equal(a, b)

	counts = np.bincount(yTest, minlength=10)
	assert counts.min() >= 35 and counts.max() <= 37  # about 20% of each class's ~180 images

	images = loadDigits(flat=False)[0]
	assert images.shape == (1438, 1, 8, 8) and np.array_equal(images.reshape(1438, 64), xTrain)


def test_splitDigitsPartitionsTheIndices():
	labels = np.repeat(np.arange(3), 10)
	trainIdx, testIdx = splitDigits(labels, 0.3)
	assert sorted(np.concatenate([trainIdx, testIdx]).tolist()) == list(range(30))
	assert np.array_equal(np.bincount(labels[testIdx]), [3, 3, 3])
	with pytest.raises(ValueError, match="testFraction"):
		splitDigits(labels, 1.5)


def test_digitsWithoutSklearnNamesTheExtra(monkeypatch):
	monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
	with pytest.raises(DatasetError, match=r"pip install 'framework\[examples\]'"):
		loadDigits()


# --- helpers -----------------------------------------------------------------------------------------------

def test_normalizeAndOneHot():
	x = np.array([[0, 8, 16]], dtype=np.uint8)
	assert np.allclose(normalize(x, scale=16.0), [[0.0, 0.5, 1.0]])
	assert np.allclose(normalize(x, scale=16.0, mean=0.5, std=0.5), [[-1.0, 0.0, 1.0]])
	assert normalize(x, dtype=np.float64).dtype == np.float64

	hot = oneHot(np.array([2, 0, 1]), 4)
	assert np.array_equal(hot, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]) and hot.dtype == np.float32
	assert oneHot(np.array([1, 3])).shape == (2, 4)
	with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
		oneHot(np.array([0, 2]), 2)
	with pytest.raises(ValueError, match="1-D integer"):
		oneHot(np.array([0.5]))


# --- MNIST ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_mnistIdxDirectory(tmp_path, rng, compress):
	parts = fakeMnist(rng)
	writeIdxDir(tmp_path, parts, compress)

	xTrain, yTrain, xTest, yTest = loadMnist(tmp_path)
	assert xTrain.shape == (12, 784) and xTest.shape == (5, 784) and yTrain.dtype == np.int32
	assert np.allclose(xTrain, parts[0].reshape(12, -1) / 255.0)
	assert np.array_equal(yTest, parts[3])
	assert loadMnist(tmp_path, flat=False)[0].shape == (12, 1, 28, 28)


def test_mnistNpz(tmp_path, rng):
	parts = fakeMnist(rng)
	np.savez(tmp_path / "mnist.npz", x_train=parts[0], y_train=parts[1], x_test=parts[2], y_test=parts[3])
	xTrain, yTrain, xTest, yTest = loadMnist(tmp_path)
	assert np.allclose(xTest, parts[2].reshape(5, -1) / 255.0) and np.array_equal(yTrain, parts[1])


def test_readIdxOtherTypes(tmp_path):
	ary = np.arange(6, dtype=np.int32).reshape(2, 3) - 3
	writeIdx(tmp_path / "a.idx", ary)
	out = readIdx(tmp_path / "a.idx")
	assert np.array_equal(out, ary) and out.dtype.isnative


def test_mnistMissingFilesAreNamed(tmp_path, rng):
	parts = fakeMnist(rng)
	writeIdxDir(tmp_path, parts, False)
	os.remove(tmp_path / "t10k-labels-idx1-ubyte")
	with pytest.raises(DatasetError, match=r"t10k-labels-idx1-ubyte\[\.gz\]"):
		loadMnist(tmp_path)
	with pytest.raises(DatasetError, match="does not exist"):
		loadMnist(tmp_path / "nowhere")


@pytest.mark.parametrize("damage", ["truncated", "magic", "badgzip", "labels"])
def test_mnistCorruptFilesAreNamed(tmp_path, rng, damage):
	parts = fakeMnist(rng)
	writeIdxDir(tmp_path, parts, damage == "badgzip")
	images = tmp_path / ("train-images-idx3-ubyte" + (".gz" if damage == "badgzip" else ""))

	if damage == "truncated":
		images.write_bytes(images.read_bytes()[:-7])
		message = "train-images-idx3-ubyte.*truncated or corrupt"
	elif damage == "magic":
		images.write_bytes(b"\x12\x34" + images.read_bytes()[2:])
		message = "train-images-idx3-ubyte.*not an IDX file"
	elif damage == "badgzip":
		images.write_bytes(b"not gzip at all")
		message = "cannot read.*train-images-idx3-ubyte.gz"
	else:
		writeIdx(tmp_path / "train-labels-idx1-ubyte", np.zeros(11, dtype=np.uint8))
		message = "12 train images but labels of shape \\(11,\\)"

	with pytest.raises(DatasetError, match=message):
		loadMnist(tmp_path)


def test_mnistCorruptNpz(tmp_path, rng):
	(tmp_path / "mnist.npz").write_bytes(b"PK\x03\x04 garbage")
	with pytest.raises(DatasetError, match="mnist.npz.*not a readable"):
		loadMnist(tmp_path)

	parts = fakeMnist(rng)
	np.savez(tmp_path / "mnist.npz", x_train=parts[0], y_train=parts[1])
	with pytest.raises(DatasetError, match="lacks the arrays.*x_test"):
		loadMnist(tmp_path)
