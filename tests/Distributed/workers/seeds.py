"""Worker: what each rank's generators draw after the same Config.setSeed, and the Trainer's reaction to ranks seeded
differently. Rank 0 writes a JSON file (argv[1])."""
import json
import sys

import numpy as np

from framework import Config
from framework.Backend import Rng, gpuarray
from framework.Cost import CrossEntropy
from framework.Distributed import NodeInfo
from framework.Handlers import Trainer
from framework.Optimizers import SGD
from tests.Distributed.workers.common import data, mlp

node = NodeInfo()
Config.setSeed(0)
masks = Rng.fillUniform(gpuarray.empty((5, ), np.float64)).get().tolist()
shuffle = Config.hostRng().permutation(10).tolist()

# The last rank seeds differently: its shuffle differs, which the Trainer must refuse on every rank
net = mlp(np.float32)
trainer = Trainer(net, CrossEntropy(), SGD(nodeinfo=node).setupOn(net), batchsize=10, progress=False)
Config.setSeed(1 if node.rank == node.size - 1 else 0)
try:
	trainer.trainFromHost(*data(np.float32))
	error = "no error"
except ValueError as e:
	error = str(e)

seen = node.allGather({"masks": masks, "shuffle": shuffle, "error": error})
if node.isRoot:
	with open(sys.argv[1], "w") as f:
		json.dump(seen, f)
