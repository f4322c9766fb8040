"""Worker: data-parallel training in which the last rank raises in the middle of the first epoch, while the others
wait in the gradient all-reduce of that step."""
import numpy as np

from framework import Config
from framework.Cost import CrossEntropy
from framework.Distributed import NodeInfo
from framework.Handlers import Trainer
from framework.Optimizers import SGD
from tests.Distributed.workers.common import data, mlp

node = NodeInfo()
Config.setSeed(0)
net = mlp(np.float32)
trainer = Trainer(net, CrossEntropy(), SGD(learnRate=0.1, nodeinfo=node).setupOn(net), batchsize=4, progress=False)

steps = [0]
step = trainer.trainStep


def failingStep(*args, **kwargs):
	steps[0] += 1
	if steps[0] == 3 and node.rank == node.size - 1:
		raise RuntimeError("deliberate failure on rank %d in step 3" % node.rank)
	return step(*args, **kwargs)


trainer.trainStep = failingStep
x, y = data(np.float32)
trainer.trainFromHost(x, y, epochs=3)
print("rank %d finished, which it must not" % node.rank)
