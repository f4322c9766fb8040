"""Optimizers, one class per file: `from framework.Optimizers import RMSProp`."""
from framework.Optimizers.Optimizer import Optimizer
from framework.Optimizers.SGD import SGD
from framework.Optimizers.MomentumSGD import MomentumSGD
from framework.Optimizers.NesterovSGD import NesterovSGD
from framework.Optimizers.Adam import Adam
from framework.Optimizers.AdaGrad import AdaGrad
from framework.Optimizers.AdaDelta import AdaDelta
from framework.Optimizers.RMSProp import RMSProp
from framework.Optimizers.RMSPropGraves import RMSPropGraves
from framework.Optimizers.Rprop import Rprop
from framework.Optimizers.SMORMS3 import SMORMS3
