"""Worker: trains with data-parallel SGD; the last rank raises in its third step, while the others wait in the all-reduce."""
import numpy as np

from framework import Config
from framework.Containers import Sequential
from framework.Distributed import NodeInfo
from framework.Backend import gpuarray
from framework.Modules import Linear

node = NodeInfo()
Config.setSeed(0)
net = Sequential().append(Linear(4, 3))
params = [var for var in net.getVarTable()]

for step in range(10):
	for var in params:
		var.grad.fill(1.0)
	if step == 2 and node.rank == node.size - 1:
		raise RuntimeError("deliberate failure on rank %d in step %d" % (node.rank, step))
	for var in params:
		node.allReduceMean(var.grad)
print("rank %d finished, which it must not" % node.rank)
