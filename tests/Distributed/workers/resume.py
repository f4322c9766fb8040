"""Worker: trains the MLP with BatchNorm and Dropout data-parallel with Adam, a checkpoint after every epoch.

argv: out directory, first epoch count ("fresh N": start from scratch and train N epochs; "resume N": load
<out>/checkpoint.h5 and continue up to N epochs), state mode (local/global). Rank 0 writes the final parameters
and attributes to <out>/final.npz. With "interrupt" as argv[4], rank 0 is interrupted (SIGINT) while writing
the checkpoint of epoch 2.
"""
import os
import signal
import sys

import numpy as np

from framework import Config
from framework.Cost import CrossEntropy
from framework.Distributed import NodeInfo
from framework.Handlers import Trainer, loadCheckpoint, saveCheckpoint
from framework.Optimizers import Adam
from tests.Distributed.workers.common import data, mlp

out, (how, epochs), mode = sys.argv[1], sys.argv[2].split(), sys.argv[3]
interrupt = len(sys.argv) > 4 and sys.argv[4] == "interrupt"
epochs = int(epochs)
node = NodeInfo()
Config.setSeed(0)
net = mlp(np.float64, extras=True)
optimizer = Adam(learnRate=1e-2, nodeinfo=node).setupOn(net, useGlobalState=mode == "global")
trainer = Trainer(net, CrossEntropy(), optimizer, batchsize=10, progress=False)
checkpoint = os.path.join(out, "checkpoint.h5")

history = []
if how == "resume":
	trainer.epoch = loadCheckpoint(checkpoint, net, optimizer, history=history)

if interrupt and node.isRoot:
	saveTo = net.saveTo

	def interruptedSave(group):
		saveTo(group)
		if trainer.epoch == 2:
			signal.raise_signal(signal.SIGINT)  # mid-write: the file being written is the temporary one
	net.saveTo = interruptedSave

x, y = data(np.float64)
while trainer.epoch < epochs:
	trainer.trainFromHost(x, y)
	history.append({"loss": trainer.history[-1]["loss"]})
	saveCheckpoint(checkpoint, net, optimizer, epoch=trainer.epoch, history=history)

if node.isRoot:
	final = {names[0]: var.data.get() for var, names in net.getVarTable().items()}
	final.update(("attr:" + name, ary.get()) for name, ary in net.getAttrTable().items())
	final["losses"] = np.array([row["loss"] for row in history])
	np.savez(os.path.join(out, "final.npz"), **final)
