"""How each layer of framework.Modules becomes ONNX operators (opset 17), in its inference form.

A mapping is f(graph, module, x, path) -> output: x is a Tensor, or a list of them for the layers that take a
list (Add, Concat); it returns a Tensor or a list. Mappings are looked up by the module's exact class, so a
subclass that changes the computation is never exported as its parent.
"""
import numpy as np

from framework import Modules
from framework.Converter.OnnxGraph import Tensor
from framework.Converter.OnnxRecurrent import rnn, swapAxes


def outputOf(graph, module, x, path, opType, inputs, **attributes):
	"""One node computing the module's single output from `inputs`; the shape is the one our module gives."""
	out = Tensor(graph.fresh(path or "net"), tuple(module.dataShapeFrom(x.shape)), x.dtype)
	graph.node(opType, inputs, [out.name], **attributes)
	return out


def pads(pair):
	"""Our symmetric (h, w) padding as ONNX's [h_begin, w_begin, h_end, w_end]."""
	return [pair[0], pair[1], pair[0], pair[1]]


def linear(graph, module, x, path):
	W = graph.variable(module.W)
	if module.useBias:
		return outputOf(graph, module, x, path, "Gemm", [x.name, W, graph.variable(module.b)])
	return outputOf(graph, module, x, path, "MatMul", [x.name, W])


def conv2d(graph, module, x, path):
	inputs = [x.name, graph.variable(module.W)] + ([graph.variable(module.b)] if module.useBias else [])
	return outputOf(
		graph, module, x, path, "Conv", inputs, kernel_shape=list(module.size), strides=list(module.stride),
		pads=pads(module.pad), dilations=list(module.dilation), group=module.groups
	)


def maxPool2d(graph, module, x, path):
	# ONNX pads with -inf for MaxPool: padding never wins, as in ours
	return outputOf(
		graph, module, x, path, "MaxPool", [x.name], kernel_shape=list(module.size), strides=list(module.stride),
		pads=pads(module.pad), ceil_mode=0
	)


def avgPool2d(graph, module, x, path):
	# Ours always divides by the full window (torch's count_include_pad=True); with ceil_mode=0 no window reaches
	# past the padding, so ONNX's count_include_pad=1 divides by the same size_h * size_w.
	return outputOf(
		graph, module, x, path, "AveragePool", [x.name], kernel_shape=list(module.size), strides=list(module.stride),
		pads=pads(module.pad), ceil_mode=0, count_include_pad=1
	)


def batchNorm(graph, module, x, path):
	# The inference form: the running statistics; ONNX takes scale and bias always, so without affine they are 1 and 0
	if module.affine:
		scale, bias = graph.variable(module.vars["scale"]), graph.variable(module.vars["bias"])
	else:
		scale = graph.constant("%s.scale:one" % path, np.ones(module.size))
		bias = graph.constant("%s.bias:zero" % path, np.zeros(module.size))
	inputs = [x.name, scale, bias, graph.attribute(module.attrs["mean"]), graph.attribute(module.attrs["var"])]
	return outputOf(graph, module, x, path, "BatchNormalization", inputs, epsilon=module.epsilon)


def gelu(graph, module, x, path):
	# Gelu is an operator from opset 20 on; in 17 it is written out: 0.5 x (1 + erf(x / sqrt 2))
	scaled, erf, shifted, product = (graph.fresh("%s:%s" % (path or "net", part)) for part in ("scaled", "erf", "plus1", "xTimes"))
	graph.node("Mul", [x.name, graph.constant("%s:invSqrt2" % path, 0.7071067811865476)], [scaled])
	graph.node("Erf", [scaled], [erf])
	graph.node("Add", [erf, graph.constant("%s:one" % path, 1.0)], [shifted])
	graph.node("Mul", [x.name, shifted], [product])
	return outputOf(graph, module, x, path, "Mul", [product, graph.constant("%s:half" % path, 0.5)])


ACTIVATIONS = {
	Modules.relu: ("Relu", {}),
	Modules.leakyRelu: ("LeakyRelu", {"alpha": 0.01}),
	Modules.sigmoid: ("Sigmoid", {}),
	Modules.tanh: ("Tanh", {}),
	Modules.elu: ("Elu", {"alpha": 1.0}),
	# ours returns x above 20, where log(1 + e^x) equals x to float32 precision
	Modules.softPlus: ("Softplus", {}),
}


def activation(graph, module, x, path):
	if module.activation == Modules.gelu:
		return gelu(graph, module, x, path)
	opType, attributes = ACTIVATIONS[module.activation]
	return outputOf(graph, module, x, path, opType, [x.name], **attributes)


def softMax(graph, module, x, path):
	return outputOf(graph, module, x, path, "Softmax", [x.name], axis=1)


def identity(graph, module, x, path):
	# Dropout in inference is the identity too
	return outputOf(graph, module, x, path, "Identity", [x.name])


def flatten(graph, module, x, path):
	return outputOf(graph, module, x, path, "Flatten", [x.name], axis=1)


def reshape(graph, module, x, path):
	# Our shape is the full output shape with at most one -1 and no 0, which ONNX's Reshape reads the same way
	return outputOf(graph, module, x, path, "Reshape", [x.name, graph.constant("%s:shape" % path, module.shape, np.int64)])


def embedder(graph, module, x, path):
	if x.dtype != np.int32:
		raise ValueError("exportOnnx: module %r (Embedder) takes int32 indices, but its input %r is %s; an Embedder "
			"must read a net input directly" % (path, x.name, np.dtype(x.dtype)))
	out = Tensor(graph.fresh(path or "net"), tuple(module.dataShapeFrom(x.shape)), np.float32)
	graph.node("Gather", [graph.variable(module.W), x.name], [out.name], axis=0)
	return out


def replicate(graph, module, x, path):
	# One Identity per copy: every consumer (and every net output) gets a tensor of its own name
	outs = [Tensor(graph.fresh("%s:%d" % (path or "net", k)), x.shape, x.dtype) for k in range(module.times)]
	for out in outs:
		graph.node("Identity", [x.name], [out.name])
	return outs


def split(graph, module, x, path):
	shapes = module.dataShapeFrom(x.shape)
	outs = [Tensor(graph.fresh("%s:%d" % (path or "net", k)), tuple(shape), x.dtype) for k, shape in enumerate(shapes)]
	# equal sections need no sizes: ONNX splits into as many equal parts as there are outputs
	inputs = [x.name] if isinstance(module.sections, int) else [x.name, graph.constant("%s:sizes" % path, module.sections, np.int64)]
	graph.node("Split", inputs, [out.name for out in outs], axis=module.axis)
	return outs


def concat(graph, module, xs, path):
	ndim = len(xs[0].shape)
	axis = module.axis % ndim if -ndim <= module.axis < ndim else None
	for k, x in enumerate(xs):
		if axis is None or len(x.shape) != ndim or x.shape[:axis] + x.shape[axis + 1:] != xs[0].shape[:axis] + xs[0].shape[axis + 1:]:
			raise ValueError("exportOnnx: module %r (Concat, axis %d): input %d has shape %s, input 0 %s" % (
				path, module.axis, k, x.shape, xs[0].shape
			))
	out = Tensor(graph.fresh(path or "net"), tuple(module.dataShapeFrom([x.shape for x in xs])), xs[0].dtype)
	graph.node("Concat", [x.name for x in xs], [out.name], axis=module.axis)
	return out


def add(graph, module, xs, path):
	for k, x in enumerate(xs):
		if x.shape != xs[0].shape:
			raise ValueError("exportOnnx: module %r (Add): input %d has shape %s, input 0 %s" % (path, k, x.shape, xs[0].shape))
	out = Tensor(graph.fresh(path or "net"), xs[0].shape, xs[0].dtype)
	graph.node("Sum", [x.name for x in xs], [out.name])
	return out


# class -> (mapping, whether it takes a list of inputs)
LAYERS = {
	Modules.Linear: (linear, False),
	Modules.Conv2D: (conv2d, False),
	Modules.MaxPool2D: (maxPool2d, False),
	Modules.AvgPool2D: (avgPool2d, False),
	Modules.BatchNorm1D: (batchNorm, False),
	Modules.BatchNorm2D: (batchNorm, False),
	Modules.Activation: (activation, False),
	Modules.SoftMax: (softMax, False),
	Modules.Dropout: (identity, False),
	Modules.Identity: (identity, False),
	Modules.Flatten: (flatten, False),
	Modules.Reshape: (reshape, False),
	Modules.Embedder: (embedder, False),
	Modules.Replicate: (replicate, False),
	Modules.Split: (split, False),
	Modules.Concat: (concat, True),
	Modules.Add: (add, True),
	Modules.RNN: (rnn, False),
	Modules.SwapAxes: (swapAxes, False),
}
