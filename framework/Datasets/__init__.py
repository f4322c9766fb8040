"""Small data sets for examples and tests: the built-in 8x8 digits (also as sequences), local MNIST files and text.

    from framework.Datasets import loadDigits, loadMnist, normalize, oneHot
"""
from framework.Datasets.Digits import loadDigits, splitDigits
from framework.Datasets.DigitSequences import loadDigitSequences
from framework.Datasets.Mnist import loadMnist, readIdx
from framework.Datasets.Preprocess import normalize, oneHot
from framework.Datasets.Text import BUILTIN_TEXT, decode, encode, loadText, textWindows
from framework.Datasets.DatasetError import DatasetError
