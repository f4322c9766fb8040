"""Worker: the last rank builds a wider hidden layer; setupOn must raise the same clear error on every rank.
Each rank writes the message it got (or "no error") to <argv[1]>/rank<r>.txt and exits normally."""
import os
import sys

import numpy as np

from framework import Config
from framework.Distributed import NodeInfo
from framework.Optimizers import Adam
from tests.Distributed.workers.common import mlp

node = NodeInfo()
Config.setSeed(0)
net = mlp(np.float32, hidden=9 if node.rank == node.size - 1 else 8)
try:
	Adam(nodeinfo=node).setupOn(net, useGlobalState=sys.argv[2] == "global")
	message = "no error"
except ValueError as e:
	message = str(e)
with open(os.path.join(sys.argv[1], "rank%d.txt" % node.rank), "w") as f:
	f.write(message)
