"""Small data sets for examples and tests: the built-in 8x8 digits and local MNIST files.

    from framework.Datasets import loadDigits, loadMnist, normalize, oneHot
"""
from framework.Datasets.Digits import loadDigits, splitDigits
from framework.Datasets.Mnist import loadMnist, readIdx
from framework.Datasets.Preprocess import normalize, oneHot
from framework.Datasets.DatasetError import DatasetError
