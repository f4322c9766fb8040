"""Handlers run a net over data in batches: Trainer (training epochs), Validator (mean cost and metric),
Calculator (inference), and the checkpoint functions that save and resume a run.
"""
from framework.Handlers.Trainer import Trainer
from framework.Handlers.Validator import Validator
from framework.Handlers.Calculator import Calculator
from framework.Handlers.Checkpoint import saveCheckpoint, loadCheckpoint, readCheckpointInfo
