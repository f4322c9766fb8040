"""Layers, one class per file. Import them as `from framework.Modules import Linear`."""
from framework.Modules.Module import Module

from framework.Modules.Activation import Activation, elu, gelu, leakyRelu, relu, sigmoid, softPlus, tanh
from framework.Modules.Add import Add
from framework.Modules.AvgPool2D import AvgPool2D
from framework.Modules.BatchNorm1D import BatchNorm1D
from framework.Modules.BatchNorm2D import BatchNorm2D
from framework.Modules.Concat import Concat
from framework.Modules.Conv2D import Conv2D
from framework.Modules.Dropout import Dropout
from framework.Modules.Embedder import Embedder
from framework.Modules.Flatten import Flatten
from framework.Modules.Identity import Identity
from framework.Modules.Linear import Linear
from framework.Modules.MaxPool2D import MaxPool2D
from framework.Modules.Replicate import Replicate
from framework.Modules.Reshape import Reshape
from framework.Modules.RNN import RNN
from framework.Modules.SoftMax import SoftMax
from framework.Modules.Split import Split
from framework.Modules.SwapAxes import SwapAxes

__all__ = [
	"Module", "Activation", "Add", "AvgPool2D", "BatchNorm1D", "BatchNorm2D", "Concat", "Conv2D", "Dropout", "Embedder",
	"Flatten", "Identity", "Linear", "MaxPool2D", "Replicate", "Reshape", "RNN", "SoftMax", "Split", "SwapAxes",
	"relu", "leakyRelu", "sigmoid", "tanh", "elu", "softPlus", "gelu",
]
