"""framework: a PuzzleLib-style deep-learning training framework on gpuarray-backed tensors.

Nets are built from Modules in Sequential or Graph containers, trained with Cost
classes and Optimizers whose updates are fused one-source kernels that run on
CUDA (PyCUDA) and on any CPU (compiled C with OpenMP).
"""
__version__ = "0.1.0"
