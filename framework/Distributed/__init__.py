"""Data-parallel training over MPI (mpi4py): NodeInfo, the `nodeinfo` every optimizer accepts."""
from framework.Distributed.NodeInfo import NodeInfo
