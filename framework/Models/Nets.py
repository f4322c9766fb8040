"""The nets the main job trains (an MLP on flat pixels, a small CNN on (1, H, W) images), and inference with them.

A checkpoint written by `python -m framework train` records the buildNet arguments it
was trained with (meta "architecture"), so loadNet rebuilds and loads it from the file alone.
"""
import numpy as np

from framework.Containers.Sequential import Sequential
from framework.Handlers.Calculator import Calculator
from framework.Handlers.Checkpoint import loadCheckpoint, readCheckpointInfo
from framework.Modules.Activation import Activation
from framework.Modules.Conv2D import Conv2D
from framework.Modules.Flatten import Flatten
from framework.Modules.Linear import Linear
from framework.Modules.MaxPool2D import MaxPool2D
from framework.Modules.RNN import RNN
from framework.Modules.SwapAxes import SwapAxes

MLP_HIDDEN = (128, 64)
KINDS = ("mlp", "cnn", "lstm")
LSTM_HIDDEN = 128


def buildNet(kind, inshape, classes=10, hidden=MLP_HIDDEN):
	"""mlp: Linear-ReLU blocks of `hidden` sizes then Linear to classes; cnn: two conv-relu-pool blocks, then Linear;
	lstm: (batch, steps, features) sequences made time-major, one LSTM layer of LSTM_HIDDEN units, its last step
	to Linear."""
	if kind not in KINDS:
		raise ValueError("buildNet: unknown net %r; choose one of %s" % (kind, ", ".join(KINDS)))
	inshape = tuple(inshape)
	if not inshape or not all(isinstance(n, (int, np.integer)) and n > 0 for n in inshape):
		raise ValueError("buildNet: inshape must be a non-empty tuple of positive ints, got %r" % (inshape, ))
	if kind == "cnn" and len(inshape) != 3:
		raise ValueError("buildNet: the cnn takes images of shape (maps, height, width), got inshape %r" % (inshape, ))
	if kind == "lstm" and len(inshape) != 2:
		raise ValueError("buildNet: the lstm takes sequences of shape (steps, features), got inshape %r" % (inshape, ))

	net = Sequential()
	if kind == "mlp":
		size = int(np.prod(inshape))
		for width in hidden:
			net.extend([Linear(size, width), Activation("relu")])
			size = width
		net.append(Linear(size, classes))

	elif kind == "lstm":
		# the handlers batch along axis 0, the RNN reads time-major input: SwapAxes turns one into the other
		net.extend([SwapAxes(0, 1), RNN(inshape[-1], LSTM_HIDDEN, getSequences=False), Linear(LSTM_HIDDEN, classes)])

	else:
		maps, height, width = inshape
		for outmaps in (16, 32):
			net.extend([Conv2D(maps, outmaps, 3, pad=1), Activation("relu"), MaxPool2D(2)])
			maps, height, width = outmaps, height // 2, width // 2
		net.extend([Flatten(), Linear(maps * height * width, classes)])
	return net


def loadNet(path):
	"""The net a checkpoint was trained with, rebuilt from its recorded architecture, weights loaded, in eval mode."""
	meta = readCheckpointInfo(path)["meta"] or {}
	architecture = meta.get("architecture")
	if not isinstance(architecture, dict):
		raise ValueError("loadNet: %r records no architecture (saveCheckpoint was called without "
			"meta={'architecture': {...buildNet arguments}}); build the net yourself and call loadCheckpoint(path, net)" % str(path))
	try:
		net = buildNet(**architecture)
	except TypeError as e:
		raise ValueError("loadNet: %r records an architecture buildNet does not take: %s" % (str(path), e)) from None
	loadCheckpoint(path, net)
	return net.evalMode()


def predict(net, data, batchsize=128):
	"""The predicted class of every sample: argmax over the net's outputs, run in eval mode in batches."""
	data = np.ascontiguousarray(data, dtype=net.calctype)
	return Calculator(net, batchsize=batchsize).calcFromHost(data).argmax(axis=1)
