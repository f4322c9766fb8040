"""The recurrent layers as ONNX's LSTM, GRU and RNN operators, and SwapAxes as Transpose.

Our RNN keeps PyTorch's layout: per layer and direction weight_ih (G*H, in), weight_hh (G*H, H), bias_ih, bias_hh,
gates in torch's order (LSTM i, f, g, o; GRU r, z, n). ONNX stacks the directions and orders the gates
LSTM i, o, f, c and GRU z, r, h; its GRU with linear_before_reset=1 applies the reset gate after the recurrent
product, as torch (and ours) do. Its output Y is (T, directions, batch, H); ours is (T, batch, directions * H)
with the forward direction first, which is Y transposed to (T, batch, directions, H) and merged.
"""
import numpy as np

from framework.Converter.OnnxGraph import Tensor

# Where ONNX's gate k sits in torch's order
GATE_ORDER = {"lstm": [0, 3, 1, 2], "gru": [1, 0, 2], "relu": [0], "tanh": [0]}
OPERATOR = {"lstm": "LSTM", "gru": "GRU", "relu": "RNN", "tanh": "RNN"}


def reorderGates(ary, mode, H):
	"""Rows of (G*H, ...) in torch's gate order -> ONNX's."""
	return np.concatenate([ary[k * H:(k + 1) * H] for k in GATE_ORDER[mode]], axis=0)


def rnn(graph, module, x, path):
	if len(x.shape) != 3:
		raise ValueError("exportOnnx: module %r (RNN) takes (time, batch, features), gets shape %s" % (path, x.shape))
	H, mode, dirs = module.hsize, module.mode, module.numOfDirections
	base = path or "net"
	attributes = {"hidden_size": H, "direction": "forward" if dirs == 1 else "bidirectional"}
	if mode == "gru":
		attributes["linear_before_reset"] = 1
	elif mode in ("relu", "tanh"):
		attributes["activations"] = [mode.capitalize()] * dirs

	seq = x.name
	for layer in range(module.layers):
		params = [
			[module.vars[module.paramName(p, layer, d)].data.get().astype(np.float32) for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
			for d in range(dirs)
		]
		W = graph.constant("%s.W_l%d" % (base, layer), np.stack([reorderGates(p[0], mode, H) for p in params]))
		R = graph.constant("%s.R_l%d" % (base, layer), np.stack([reorderGates(p[1], mode, H) for p in params]))
		B = graph.constant("%s.B_l%d" % (base, layer), np.stack([
			np.concatenate([reorderGates(p[2], mode, H), reorderGates(p[3], mode, H)]) for p in params
		]))
		Y, swapped, merged = (graph.fresh("%s:l%d%s" % (base, layer, part)) for part in ("Y", "swapped", "out"))
		graph.node(OPERATOR[mode], [seq, W, R, B], [Y], **attributes)
		# (T, dirs, batch, H) -> (T, batch, dirs, H) -> (T, batch, dirs * H); 0 copies the axis, so T and batch stay free
		graph.node("Transpose", [Y], [swapped], perm=[0, 2, 1, 3])
		graph.node("Reshape", [swapped, graph.constant("%s:merge" % base, [0, 0, dirs * H], np.int64)], [merged])
		seq = merged  # dropout between layers is the identity in inference

	out = Tensor(graph.fresh(base), tuple(module.dataShapeFrom(x.shape)), np.float32)
	if module.getSequences:
		graph.node("Identity", [seq], [out.name])
	else:
		graph.node("Gather", [seq, graph.constant("%s:last" % base, -1, np.int64)], [out.name], axis=0)
	return out


def swapAxes(graph, module, x, path):
	perm = list(range(len(x.shape)))
	perm[module.axis1], perm[module.axis2] = perm[module.axis2], perm[module.axis1]
	out = Tensor(graph.fresh(path or "net"), tuple(module.dataShapeFrom(x.shape)), x.dtype)
	graph.node("Transpose", [x.name], [out.name], perm=perm)
	return out
