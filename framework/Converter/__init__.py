"""Converters of trained nets to other formats: `from framework.Converter import exportOnnx`.

Importing the package needs nothing beyond the framework; exportOnnx imports onnx when it runs
(pip install -e ".[onnx]").
"""
from framework.Converter.Onnx import exportOnnx

__all__ = ["exportOnnx"]
