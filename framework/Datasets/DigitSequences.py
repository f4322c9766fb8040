"""The built-in 8x8 digits read as sequences, the sequence-classification task of the recurrent nets."""
import numpy as np

from framework.Datasets.Digits import loadDigits


def loadDigitSequences(byPixel=False, testFraction=0.2, dtype=np.float32):
	"""(xTrain, yTrain, xTest, yTest) with the images as batch-major sequences: (N, 8, 8), 8 steps of one 8-pixel row
	each, or with byPixel (N, 64, 1), 64 steps of one pixel each (the harder task: the net must remember a whole
	image's worth of steps). Same pixels, labels and split as loadDigits.
	"""
	xTrain, yTrain, xTest, yTest = loadDigits(testFraction=testFraction, flat=True, dtype=dtype)
	shape = (64, 1) if byPixel else (8, 8)
	return xTrain.reshape((-1, ) + shape), yTrain, xTest.reshape((-1, ) + shape), yTest
