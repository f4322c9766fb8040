"""Gradient hooks an optimizer runs before each update: opt.addHook(WeightDecay(1e-4))."""
from framework.Optimizers.Hooks.Hook import Hook
from framework.Optimizers.Hooks.WeightDecay import WeightDecay
from framework.Optimizers.Hooks.L1 import L1
from framework.Optimizers.Hooks.ClipGradValue import ClipGradValue
from framework.Optimizers.Hooks.ClipGradNorm import ClipGradNorm
from framework.Optimizers.Hooks.FiniteCheck import FiniteCheck
