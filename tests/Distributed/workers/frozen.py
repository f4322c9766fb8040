"""Worker: one update with a frozen variable; records the gradients after it and how many all-reduces it made.
Each rank sets every gradient to rank + 1. Rank 0 writes a JSON file (argv[1])."""
import json
import sys

import numpy as np

from framework import Config
from framework.Distributed import NodeInfo
from framework.Optimizers import SGD
from tests.Distributed.workers.common import mlp

node = NodeInfo()
calls = []
average = node.allReduceMean
node.allReduceMean = lambda ary: calls.append(ary.size) or average(ary)

seen = {}
for mode in ("local", "global"):
	Config.setSeed(0)
	net = mlp(np.float64)
	table = {names[0]: var for var, names in net.getVarTable().items()}
	table["Linear0.W"].learnRate = 0.0
	optimizer = SGD(learnRate=0.0, nodeinfo=node).setupOn(net, useGlobalState=mode == "global")
	for var in table.values():
		var.grad.fill(node.rank + 1.0)
	calls.clear()
	optimizer.update()
	seen[mode] = {"calls": len(calls), "grads": {name: float(var.grad.get().ravel()[0]) for name, var in table.items()}}

gathered = node.allGather(seen)
if node.isRoot:
	with open(sys.argv[1], "w") as f:
		json.dump(gathered, f)
