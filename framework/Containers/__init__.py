"""Containers: Sequential, Graph (built from Module.node), Parallel."""
from framework.Containers.Container import Container
from framework.Containers.Node import Node
from framework.Containers.Sequential import Sequential
from framework.Containers.Graph import Graph
from framework.Containers.Parallel import Parallel
