"""The digits as sequences, and the character-level text loader and windows."""
import numpy as np
import pytest

from framework.Datasets import (
	BUILTIN_TEXT, DatasetError, decode, encode, loadDigits, loadDigitSequences, loadText, textWindows
)


def test_digit_sequences_are_the_digits_row_by_row_or_pixel_by_pixel():
	pytest.importorskip("sklearn")
	xTrain, yTrain, xTest, yTest = loadDigits()
	rows = loadDigitSequences()
	pixels = loadDigitSequences(byPixel=True)
	assert rows[0].shape == (1438, 8, 8) and rows[2].shape == (359, 8, 8)
	assert pixels[0].shape == (1438, 64, 1) and pixels[2].shape == (359, 64, 1)
	np.testing.assert_array_equal(rows[0][5, 2], xTrain[5, 16:24])     # step 2 of image 5 is its third row
	np.testing.assert_array_equal(pixels[2][7, 10, 0], xTest[7, 10])
	for seq in (rows, pixels):
		np.testing.assert_array_equal(seq[1], yTrain)
		np.testing.assert_array_equal(seq[3], yTest)


def test_builtin_text_loads_with_a_held_out_tail():
	alphabet, train, test = loadText(BUILTIN_TEXT, testFraction=0.1)
	text = open(BUILTIN_TEXT, encoding="utf-8").read()
	assert alphabet == "".join(sorted(set(text))) and len(alphabet) < 100
	assert train.dtype == np.int32 and train.size + test.size == len(text)
	assert test.size == round(0.1 * len(text))
	assert decode(train, alphabet) + decode(test, alphabet) == text
	assert 5000 < len(text.encode("utf-8")) < 100_000


def test_encode_decode_round_trip_and_unknown_character():
	ids = encode("abba", "ab")
	assert ids.tolist() == [0, 1, 1, 0] and decode(ids, "ab") == "abba"
	with pytest.raises(ValueError, match="Datasets.encode: character 'c' is not in the alphabet"):
		encode("abc", "ab")


def test_text_windows_shift_targets_by_one():
	ids = np.arange(11, dtype=np.int32)
	inputs, targets = textWindows(ids, 3, offset=1)
	assert inputs.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
	assert targets.tolist() == [[2, 3, 4], [5, 6, 7], [8, 9, 10]]
	with pytest.raises(ValueError, match="Datasets.textWindows: 11 characters from offset 0 hold no window of 20"):
		textWindows(ids, 20)
	with pytest.raises(ValueError, match="length must be an int >= 1"):
		textWindows(ids, 0)


def test_bad_text_files_are_dataset_errors_naming_the_file(tmp_path):
	with pytest.raises(DatasetError, match=r"Datasets.loadText: cannot read '.*missing.txt'"):
		loadText(tmp_path / "missing.txt")
	binary = tmp_path / "binary.txt"
	binary.write_bytes(b"abc\xff\xfe" * 100)
	with pytest.raises(DatasetError, match=r"binary.txt' is not UTF-8 text \(byte 3\)"):
		loadText(binary)
	short = tmp_path / "short.txt"
	short.write_text("too short", encoding="utf-8")
	with pytest.raises(DatasetError, match=r"short.txt' has 9 characters"):
		loadText(short)
	with pytest.raises(ValueError, match="testFraction must lie in"):
		loadText(BUILTIN_TEXT, testFraction=1.0)
