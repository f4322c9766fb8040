"""Character-level text for language models: a file read as one sequence of character indices."""
import os

import numpy as np

from framework.Datasets.DatasetError import DatasetError

# A built-in text of about 10 KB (a short story), written for the project and placed in the public domain, so the examples train
# a character model without a download
BUILTIN_TEXT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "lighthouse.txt")


def loadText(path=BUILTIN_TEXT, testFraction=0.1, minLength=64):
	"""(alphabet, trainIds, testIds): the file's distinct characters in sorted order (a str) and the text as int32
	indices into it, the last testFraction of the text held out (a tail, so no test character was seen in training
	context). The file is read as UTF-8; a missing, undecodable or too short file is a DatasetError naming it.
	"""
	if not 0.0 < testFraction < 1.0:
		raise ValueError("Datasets.loadText: testFraction must lie in (0, 1), got %r" % (testFraction, ))
	try:
		with open(path, "rb") as f:
			raw = f.read()
	except OSError as e:
		raise DatasetError("Datasets.loadText: cannot read %r: %s" % (str(path), e.strerror or e)) from None
	try:
		text = raw.decode("utf-8")
	except UnicodeDecodeError as e:
		raise DatasetError("Datasets.loadText: %r is not UTF-8 text (byte %d)" % (str(path), e.start)) from None

	numOfTest = int(round(testFraction * len(text)))
	if len(text) - numOfTest < minLength or numOfTest < 2:
		raise DatasetError("Datasets.loadText: %r has %d characters; it needs at least %d for training plus a held-out tail" % (
			str(path), len(text), minLength
		))

	alphabet = "".join(sorted(set(text)))
	ids = encode(text, alphabet)
	return alphabet, ids[:len(text) - numOfTest], ids[len(text) - numOfTest:]


def encode(text, alphabet):
	"""The int32 indices of text's characters in alphabet; a character outside it is a ValueError."""
	lookup = {ch: k for k, ch in enumerate(alphabet)}
	try:
		return np.fromiter((lookup[ch] for ch in text), dtype=np.int32, count=len(text))
	except KeyError as e:
		raise ValueError("Datasets.encode: character %r is not in the alphabet" % (e.args[0], )) from None


def decode(ids, alphabet):
	return "".join(alphabet[k] for k in np.asarray(ids).reshape(-1))


def textWindows(ids, length, offset=0):
	"""(inputs, targets), each (N, length) int32: consecutive non-overlapping windows of ids starting at offset, the
	targets shifted one character ahead of the inputs (the next character to predict at every step)."""
	ids = np.asarray(ids)
	if ids.ndim != 1 or ids.dtype.kind not in "iu":
		raise ValueError("Datasets.textWindows: expected a 1-D integer array, got shape %s dtype %s" % (ids.shape, ids.dtype))
	if not isinstance(length, int) or length < 1:
		raise ValueError("Datasets.textWindows: length must be an int >= 1, got %r" % (length, ))
	if not isinstance(offset, int) or offset < 0:
		raise ValueError("Datasets.textWindows: offset must be an int >= 0, got %r" % (offset, ))

	count = (ids.size - 1 - offset) // length
	if count < 1:
		raise ValueError("Datasets.textWindows: %d characters from offset %d hold no window of %d plus one" % (
			ids.size, offset, length
		))
	span = ids[offset:offset + count * length + 1].astype(np.int32)
	return span[:-1].reshape(count, length), span[1:].reshape(count, length)
