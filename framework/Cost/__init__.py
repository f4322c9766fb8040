"""Costs: `error, grad = cost(pred, target)`, each equal to the PyTorch loss of its kind with reduction="mean"."""
from framework.Cost.Cost import Cost
from framework.Cost.MSE import MSE
from framework.Cost.Abs import Abs
from framework.Cost.SmoothL1 import SmoothL1
from framework.Cost.CrossEntropy import CrossEntropy
from framework.Cost.BCE import BCE
from framework.Cost.Hinge import Hinge
from framework.Cost.KLDivergence import KLDivergence
