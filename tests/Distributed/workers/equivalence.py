"""Worker: every optimizer case, float32 and float64, local and global state, trained data-parallel; rank 0 writes
the final parameters and epoch losses of each run to an npz file (argv[1]); argv[2] is the batch size."""
import sys

import numpy as np

from framework.Distributed import NodeInfo
from tests.Distributed.workers.common import distributedCases, runKey, trainCase

out, batchsize = sys.argv[1], int(sys.argv[2])
node = NodeInfo()
results = {}
for case in distributedCases():
	for dtype in (np.float32, np.float64):
		for globalState in (False, True):
			params, losses = trainCase(case, dtype, globalState, nodeinfo=node, batchsize=batchsize)
			key = runKey(case, dtype, globalState)
			results.update(("%s|%s" % (key, name), value) for name, value in params.items())
			results[key + "|losses"] = np.array(losses)
if node.isRoot:
	np.savez(out, **results)
