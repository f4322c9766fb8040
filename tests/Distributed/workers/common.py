"""What the distributed workers and the single-process references in the tests build alike: nets, data, runs."""
import numpy as np

from framework import Config
from framework.Containers import Sequential
from framework.Cost import CrossEntropy
from framework.Handlers import Trainer
from framework.Modules import Activation, BatchNorm1D, Dropout, Linear, relu

# 26 rows in batches of 10: 10, 10, 6 -> with 3 ranks shards of 4/3/3 and 2/2/2, with 2 ranks 5/5 and 3/3;
# batchsize 4 on 26 rows also leaves a last batch of 2, which gives a rank of three an empty shard
ROWS, FEATURES, CLASSES = 26, 6, 3


def data(dtype=np.float64):
	rng = np.random.default_rng(7)
	x = rng.standard_normal((ROWS, FEATURES)).astype(dtype)
	y = rng.integers(0, CLASSES, size=ROWS)
	return x, y


def mlp(dtype, hidden=8, extras=False):
	"""A small MLP in `dtype`; extras adds BatchNorm1D and Dropout (whose state and masks data parallelism must handle)."""
	net = Sequential().append(Linear(FEATURES, hidden, initscheme="he"))
	if extras:
		net.append(BatchNorm1D(hidden)).append(Dropout(0.3))
	net.append(Activation(relu)).append(Linear(hidden, CLASSES))
	if np.dtype(dtype) != np.float32:
		net.calcMode(np.dtype(dtype))
	return net


def trainCase(case, dtype, globalState, nodeinfo=None, epochs=2, batchsize=10):
	"""Trains mlp(dtype) with a case of tests/Optimizers/cases.py; returns ({variable name: values}, epoch losses)."""
	from tests.Optimizers import cases

	Config.setSeed(0)
	net = mlp(dtype)
	optimizer = cases.make(case, nodeinfo=nodeinfo).setupOn(net, useGlobalState=globalState)
	trainer = Trainer(net, CrossEntropy(), optimizer, batchsize=batchsize, progress=False)
	x, y = data(dtype)
	trainer.trainFromHost(x, y, epochs=epochs)
	params = {names[0]: var.data.get() for var, names in net.getVarTable().items()}
	return params, [row["loss"] for row in trainer.history]


def distributedCases():
	"""One case per optimizer class from tests/Optimizers/cases.py, and iRprop+ (whose update reads the error)."""
	from tests.Optimizers.cases import OPTIMIZER_CASES

	chosen, seen = [], set()
	for case in OPTIMIZER_CASES:
		if case.cls not in seen or case.kwargs.get("variant") == "iRprop+":
			chosen.append(case)
			seen.add(case.cls)
	return chosen


def runKey(case, dtype, globalState):
	return "%s|%s|%s" % (case.id, np.dtype(dtype).name, "global" if globalState else "local")
