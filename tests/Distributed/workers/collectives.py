"""Worker: every NodeInfo collective on both float dtypes and int32; rank 0 writes what each rank saw to a JSON file."""
import json
import sys

import numpy as np

from framework.Backend import gpuarray
from framework.Distributed import NodeInfo

out = sys.argv[1]
node = NodeInfo()
seen = {"rank": node.rank, "size": node.size, "localRank": node.localRank, "isRoot": node.isRoot, "shards": {}}

for dtype in (np.float32, np.float64):
	name = np.dtype(dtype).name
	values = (np.arange(6, dtype=dtype) + 1) * (node.rank + 1)
	summed, averaged = gpuarray.to_gpu(values), gpuarray.to_gpu(values)
	node.allReduceSum(summed)
	node.allReduceMean(averaged)
	seen["sum_" + name] = summed.get().tolist()
	seen["mean_" + name] = averaged.get().tolist()

# The root's data wins everywhere; the last rank as root checks that root= is honoured
fromLast = gpuarray.to_gpu(np.full((2, 3), node.rank, dtype=np.int32))
node.broadcast(fromLast, root=node.size - 1)
seen["broadcast"] = fromLast.get().tolist()

seen["meanValue"] = node.meanValue(np.float32(node.rank) + 0.5)
for total in (0, 1, 7, 512):
	seen["shards"][total] = node.shard(total)

gathered = node.allGather(seen)
node.barrier()
if node.isRoot:
	with open(out, "w") as f:
		json.dump(gathered, f)
