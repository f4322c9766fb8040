"""Learning-rate schedules: each sets optimizer.learnRate from a formula of the epoch or step count.

    opt = RMSProp(learnRate=1e-3); opt.setupOn(net)
    schedule = CosineAnnealing(tMax=30).setupOn(opt)   # per="epoch": Trainer calls onEpoch()
"""
from framework.Optimizers.Schedules.Schedule import Schedule
from framework.Optimizers.Schedules.StepDecay import StepDecay
from framework.Optimizers.Schedules.ExponentialDecay import ExponentialDecay
from framework.Optimizers.Schedules.CosineAnnealing import CosineAnnealing
from framework.Optimizers.Schedules.LinearWarmup import LinearWarmup
