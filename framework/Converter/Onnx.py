"""exportOnnx: a net (any container or exportable layer) as an ONNX file, in its inference form."""
import numbers
import os

import numpy as np

from framework import Files
from framework.Containers.Graph import Graph
from framework.Containers.Parallel import Parallel
from framework.Containers.Sequential import Sequential
from framework.Converter.OnnxGraph import OnnxGraph, Tensor
from framework.Converter.OnnxLayers import LAYERS
from framework.Modules.Embedder import Embedder
from framework.Modules.Module import Module
from framework.Modules.RNN import RNN

OPSET = 17  # the oldest opset with every operator used here in its current form (Split's sizes as an input: 13)
IR_VERSION = 8  # the IR that opset 17 shipped with: runtimes from 2022 on read the file
BATCH = "batch"  # the name of the dynamic first axis of every input
TIME = "time"  # and of the time axis of the (time, batch, features) input of a recurrent layer
INSTALL = 'pip install -e ".[onnx]"'


def exportOnnx(net, path, inputShapes):
	"""Writes `net` to `path` as an ONNX model (opset 17, float32, dynamic batch axis), atomically.

	inputShapes: one shape per net input, batch first, e.g. [(1, 64)] (a single shape may be given bare); every
	axis but the batch (and the time axis of a recurrent layer's (time, batch, features) input) is fixed in the
	file. Returns the onnx.ModelProto written.
	"""
	onnx = importOnnx()
	if not isinstance(net, Module):
		raise TypeError("exportOnnx: net must be a Module or container, got %s" % type(net).__name__)
	if not isinstance(path, (str, os.PathLike)):
		raise TypeError("exportOnnx: path must be a str or path-like, got %s" % type(path).__name__)
	shapes = checkShapes(inputShapes)

	graph = OnnxGraph(onnx, net)
	readers = firstReaders(net, len(shapes))
	inputs = [
		Tensor("input" if len(shapes) == 1 else "input%d" % k, shape, np.int32 if type(reader) is Embedder else np.float32)
		for k, (shape, reader) in enumerate(zip(shapes, readers))
	]
	graph.taken.update(x.name for x in inputs)

	# The inference form whatever mode the net is in (BatchNorm's shape checks depend on it); the modes come back after
	modes = [(module, module.train) for module in walk(net)]
	net.evalMode()
	try:
		result = convert(graph, net, inputs[0] if len(inputs) == 1 else inputs, "")
	finally:
		for module, train in modes:
			module.train = train

	outputs = flatten(result)
	names = ["output"] if len(outputs) == 1 else ["output%d" % k for k in range(len(outputs))]
	for out, name in zip(outputs, names):
		graph.node("Identity", [out.name], [name])

	elemType = {np.dtype(np.float32): onnx.TensorProto.FLOAT, np.dtype(np.int32): onnx.TensorProto.INT32}
	model = onnx.helper.make_model(
		onnx.helper.make_graph(
			graph.nodes, type(net).__name__,
			[onnx.helper.make_tensor_value_info(x.name, elemType[np.dtype(x.dtype)], dynamicShape(x.shape, reader))
				for x, reader in zip(inputs, readers)],
			[onnx.helper.make_tensor_value_info(name, elemType[np.dtype(out.dtype)], None) for out, name in zip(outputs, names)],
			graph.initializers
		),
		opset_imports=[onnx.helper.make_opsetid("", OPSET)], ir_version=IR_VERSION, producer_name="framework"
	)
	# The output shapes (batch axis symbolic) come from ONNX's own shape inference; the intermediate ones are dropped
	model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
	del model.graph.value_info[:]
	onnx.checker.check_model(model, full_check=True)

	Files.writeBytesAtomically(path, model.SerializeToString())
	return model


def importOnnx():
	try:
		import onnx
		import onnx.shape_inference
	except ImportError:
		raise ImportError("exportOnnx needs the onnx package, which is not installed: %s" % INSTALL) from None
	return onnx


def checkShapes(inputShapes):
	"""A list of shape tuples of positive ints, each with a batch axis."""
	isInt = lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool)
	if isinstance(inputShapes, (tuple, list)) and inputShapes and all(isInt(v) for v in inputShapes):
		inputShapes = [inputShapes]
	if not isinstance(inputShapes, (tuple, list)) or not inputShapes:
		raise ValueError("exportOnnx: inputShapes must be a list of shapes, one per net input (batch first), got %r" % (inputShapes, ))
	for k, shape in enumerate(inputShapes):
		if not isinstance(shape, (tuple, list)) or not shape or not all(isInt(v) and v >= 1 for v in shape):
			raise ValueError("exportOnnx: input shape %d must be a non-empty tuple of positive ints (batch first), got %r" % (k, shape))
	return [tuple(int(v) for v in shape) for shape in inputShapes]


def walk(module):
	yield module
	for child in getattr(module, "modules", {}).values():
		yield from walk(child)


def firstReaders(net, count):
	"""Per net input: the layer that reads it first (None where that cannot be told)."""
	def first(module):
		if isinstance(module, Sequential):
			return first(next(iter(module.modules.values()))) if len(module) else [None]
		if isinstance(module, Parallel):
			return [first(child)[0] for child in module.modules.values()]
		if isinstance(module, Graph):
			return [first(node.module)[0] for node in module.inputs]
		return [module]

	found = first(net)
	return found if len(found) == count else [None] * count


def dynamicShape(shape, reader):
	"""The input's ONNX shape: the batch axis free; a recurrent layer reads (time, batch, ...), both free."""
	if type(reader) is RNN and len(shape) == 3:
		return [TIME, BATCH, shape[2]]
	return [BATCH] + list(shape[1:])


def flatten(value):
	return [value] if isinstance(value, Tensor) else [t for item in value for t in flatten(item)]


def childPath(path, name):
	return "%s.%s" % (path, name) if path else name


def describePath(path, module):
	return "module %r (%s)" % (path, type(module).__name__) if path else "the net itself (%s)" % type(module).__name__


def convert(graph, module, x, path):
	"""Emits the nodes of `module` applied to x (a Tensor or a list of them); returns its output the same way."""
	if type(module) is Sequential:
		for name, child in module.modules.items():
			x = convert(graph, child, x, childPath(path, name))
		return x

	if type(module) is Parallel:
		xs = [x] if isinstance(x, Tensor) else x
		if len(xs) != len(module):
			raise ValueError("exportOnnx: %s has %d branches but gets %d inputs" % (describePath(path, module), len(module), len(xs)))
		return [convert(graph, child, item, childPath(path, name)) for (name, child), item in zip(module.modules.items(), xs)]

	if type(module) is Graph:
		return convertGraph(graph, module, x, path)

	if type(module) not in LAYERS:
		raise ValueError("exportOnnx: %s has no ONNX mapping" % describePath(path, module))

	mapping, takesList = LAYERS[type(module)]
	if takesList != isinstance(x, list):
		raise ValueError("exportOnnx: %s takes %s, gets %s" % (
			describePath(path, module), "a list of arrays" if takesList else "one array",
			"a list of %d" % len(x) if isinstance(x, list) else "one array"
		))
	for item in (x if takesList else [x]):
		if item.dtype != np.float32 and type(module) is not Embedder:
			raise ValueError("exportOnnx: %s takes float32 input, gets %s %r" % (describePath(path, module), np.dtype(item.dtype), item.name))
	if not takesList:
		try:
			module.checkDataShape(x.shape)
		except ValueError as e:
			raise ValueError("exportOnnx: %s with input shapes from inputShapes: %s" % (describePath(path, module), e)) from None
	return mapping(graph, module, x, path)


def convertGraph(graph, net, x, path):
	"""Follows Graph.updateData: each node in topological order on its parents' outputs."""
	xs = x if len(net.inputs) > 1 else [x]
	if not isinstance(xs, list) or len(xs) != len(net.inputs):
		raise ValueError("exportOnnx: %s has %d inputs but gets %s" % (
			describePath(path, net), len(net.inputs), "%d" % len(xs) if isinstance(xs, list) else "one"
		))
	feed, values = dict(zip(net.inputs, xs)), {}

	def select(node, index):
		value = values[node]
		if index is None:
			return value
		if not isinstance(value, list) or index >= len(value):
			raise ValueError("exportOnnx: %s returns %s, cannot take output %d" % (
				describePath(childPath(path, net.nodeNames[node]), node.module),
				"%d outputs" % len(value) if isinstance(value, list) else "one array", index
			))
		return value[index]

	for node in net.order:
		if node in feed:
			value = feed[node]
		else:
			parents = [select(parent, index) for parent, index in node.parents]
			value = parents[0] if len(parents) == 1 else parents
		values[node] = convert(graph, node.module, value, childPath(path, net.nodeNames[node]))

	outs = [select(node, index) for node, index in net.outputs]
	return outs if net.outputsWereList else outs[0]
