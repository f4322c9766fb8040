"""Ready-made nets: the ones `python -m framework train` builds, and what it takes to use a trained one.

    from framework.Models import buildNet, loadNet, predict
    net = loadNet("out/checkpoint.h5")        # the architecture recorded by train, with its weights
    classes = predict(net, x)                 # x preprocessed as for training (digits: pixels / 16)
"""
from framework.Models.Nets import buildNet, loadNet, predict
