"""exportOnnx against our own forward pass: ONNX Runtime runs the exported file in inference mode on random
inputs at two batch sizes (the batch axis is dynamic) and must agree within 1e-5 in float32."""
import os

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from framework import Modules
from framework.Backend import gpuarray
from framework.Containers import Graph, Parallel, Sequential
from framework.Converter import exportOnnx
from framework.Models import buildNet
from framework.Models.Nets import KINDS
from tests.Containers.toys import Tanh
from tests.Modules.cases import MODULE_CASES, publicModuleClasses

BATCHES = (2, 5)
TOLERANCE = 1e-5

# Public modules that cannot be exported, and why. Empty: every layer of framework.Modules has a mapping.
NOT_EXPORTABLE = {}


# --- helpers ---------------------------------------------------------------------------------------------

def hostShapes(data):
	"""The shape of each net input of a registry case's input (an array or a list of them)."""
	return [tuple(x.shape) for x in data] if isinstance(data, list) else [tuple(data.shape)]


def randomInputs(rng, model, batch, indices=None):
	"""Float32 normal inputs of the model's input shapes, every free axis (batch; time) of size `batch`;
	int32 indices below `indices`."""
	xs = []
	for x in model.graph.input:
		full = tuple(batch if d.dim_param else d.dim_value for d in x.type.tensor_type.shape.dim)
		xs.append(rng.integers(0, indices, full).astype(np.int32) if indices else rng.standard_normal(full).astype(np.float32))
	return xs


def ours(net, xs):
	net.evalMode()
	out = net(gpuarray.to_gpu(xs[0]) if len(xs) == 1 else [gpuarray.to_gpu(x) for x in xs])

	def flat(value):
		return [value.get()] if not isinstance(value, list) else [a for item in value for a in flat(item)]
	return flat(out)


def runtime(path, xs):
	session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
	names = [i.name for i in session.get_inputs()]
	assert len(names) == len(xs)
	return session.run(None, dict(zip(names, xs)))


def checkExport(net, shapes, tmp_path, rng, indices=None, scale=1.0):
	"""Exports with the first batch size and compares ONNX Runtime with our forward pass at both."""
	path = tmp_path / "net.onnx"
	model = exportOnnx(net, path, shapes)
	onnx.checker.check_model(onnx.load(str(path)), full_check=True)
	assert model.opset_import[0].version >= 17
	for x in onnx.load(str(path)).graph.input:
		assert "batch" in [d.dim_param for d in x.type.tensor_type.shape.dim]

	for batch in BATCHES:
		xs = randomInputs(rng, model, batch, indices)
		xs = [x * np.float32(scale) if x.dtype == np.float32 else x for x in xs]
		expected, got = ours(net, xs), runtime(path, xs)
		assert len(got) == len(expected)
		for e, g in zip(expected, got):
			assert g.shape == e.shape and g.dtype == np.float32
			np.testing.assert_allclose(g, e, rtol=TOLERANCE, atol=TOLERANCE)
	return onnx.load(str(path))


# --- every module ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", MODULE_CASES, ids=lambda case: case.id)
def test_everyModuleMatchesOnnxRuntime(case, tmp_path, rng):
	module, data = case.build(rng)
	module.calcMode(np.float32)
	indices = module.vocabulary if "intInput" in case.flags else None
	checkExport(module, hostShapes(data), tmp_path, rng, indices=indices)


def test_everyPublicModuleIsExportedOrListedAsNotExportable():
	exported = {case.cls for case in MODULE_CASES}
	missing = [cls.__name__ for cls in publicModuleClasses() if cls not in exported and cls.__name__ not in NOT_EXPORTABLE]
	assert not missing, "modules with neither an export test (tests/Modules/cases.py) nor a NOT_EXPORTABLE reason: %s" % missing
	activations = {case.id for case in MODULE_CASES if case.cls is Modules.Activation}
	from framework.Modules.Activation import KERNELS
	assert activations == {"Activation-%s" % name for name in KERNELS}


@pytest.mark.parametrize("activation", [
	Modules.relu, Modules.leakyRelu, Modules.sigmoid, Modules.tanh, Modules.elu, Modules.softPlus, Modules.gelu
])
def test_activationsFarFromZero(activation, tmp_path, rng):
	# inputs up to about +-40: softPlus's cut-over at 20, saturated sigmoid and tanh, elu and gelu tails
	checkExport(Modules.Activation(activation), [(2, 64)], tmp_path, rng, scale=12.0)


@pytest.mark.parametrize("build", [
	lambda: Modules.Conv2D(3, 4, 3, stride=2, pad=1, dilation=2),
	lambda: Modules.MaxPool2D((3, 2), stride=(1, 2), pad=(1, 1)),
	lambda: Modules.AvgPool2D(3, stride=1, pad=1),
	lambda: Modules.AvgPool2D((2, 4), stride=(2, 3), pad=(1, 2)),
], ids=["Conv2D", "MaxPool2D", "AvgPool2D-pad1", "AvgPool2D-pad2"])
def test_windowsWithPaddingAtTheBorders(build, tmp_path, rng):
	# the padded taps of every border window: AvgPool2D counts them in its divisor, MaxPool2D never picks them
	module = build()
	checkExport(module, [(2, 3 if isinstance(module, Modules.Conv2D) else 2, 7, 9)], tmp_path, rng)


def test_batchNormUsesTheRunningStatisticsWhateverTheMode(tmp_path, rng):
	bn = Modules.BatchNorm2D(3)
	bn.attrs["mean"].set(rng.standard_normal(3).astype(np.float32))
	bn.attrs["var"].set(rng.uniform(0.5, 2.0, 3).astype(np.float32))
	bn.vars["scale"].data.set(rng.uniform(0.5, 1.5, 3).astype(np.float32))
	net = Sequential().extend([bn, Modules.Dropout(0.5)]).trainMode()
	checkExport(net, [(2, 3, 4, 4)], tmp_path, rng)
	net.trainMode()
	exportOnnx(net, tmp_path / "again.onnx", [(1, 3, 4, 4)])
	assert net.train and bn.train  # the export leaves the modes as it found them


# --- containers --------------------------------------------------------------------------------------------

def mlpWithEverything():
	net = Sequential(name="mlp")
	net.extend([
		Modules.Linear(6, 8), Modules.BatchNorm1D(8), Modules.Activation(Modules.gelu), Modules.Dropout(0.3),
		Modules.Linear(8, 4, useBias=False), Modules.SoftMax()
	])
	return net


def branchingGraph():
	"""Two inputs: an image through conv blocks, a vector; split, replicate, add, concat; two outputs."""
	image = Modules.Conv2D(1, 4, 3, pad=1).node()
	pooled = Modules.AvgPool2D(2).node(Modules.Activation(Modules.relu).node(image))
	flat = Modules.Flatten().node(pooled)
	vector = Modules.Linear(5, 16).node()
	parts = Modules.Split(axis=1, sections=[10, 6]).node(flat)
	copies = Modules.Replicate(2).node(vector)
	summed = Modules.Add().node((copies, 0), (copies, 1), flat)
	joined = Modules.Concat(axis=1).node((parts, 0), summed, (parts, 1))
	head = Modules.Linear(32, 3).node(joined)
	return Graph(inputs=[image, vector], outputs=[head, (parts, 1)])


def nested():
	"""A Parallel inside a Sequential inside a Graph: names are dotted through all three."""
	branches = Parallel(name="branches").extend([
		Sequential().extend([Modules.Linear(4, 3), Modules.Activation(Modules.tanh)]), Modules.Identity()
	])
	inner = Sequential(name="inner").extend([Modules.Replicate(2), branches, Modules.Concat(axis=1)])
	start = Modules.Linear(4, 4).node()
	out = Modules.Reshape((-1, 7, 1)).node(inner.node(start))
	return Graph(inputs=start, outputs=out)


CONTAINER_NETS = {
	"Sequential": (mlpWithEverything, [(2, 6)]),
	"Graph": (branchingGraph, [(2, 1, 4, 4), (2, 5)]),
	"Parallel": (lambda: Parallel().extend([Modules.Linear(3, 2), Modules.Activation(Modules.sigmoid)]), [(2, 3), (2, 4)]),
	"nested": (nested, [(2, 4)]),
}


@pytest.mark.parametrize("name", sorted(CONTAINER_NETS))
def test_everyContainerMatchesOnnxRuntime(name, tmp_path, rng):
	build, shapes = CONTAINER_NETS[name]
	net = build()
	for var in net.getVarTable():
		var.data.set(rng.standard_normal(var.shape).astype(np.float32))
	checkExport(net, shapes, tmp_path, rng)


def test_everyPublicContainerIsCovered():
	import inspect

	import framework.Containers as containers
	from framework.Containers.Container import Container
	public = {name for name, obj in vars(containers).items()
		if inspect.isclass(obj) and issubclass(obj, Container) and obj is not Container}
	assert public <= set(CONTAINER_NETS)


# A sample of the digits as each net kind reads it (the lstm: 8 rows of 8 pixels, where buildNet has it)
CLI_INSHAPES = {"mlp": (64, ), "cnn": (1, 8, 8), "lstm": (8, 8)}


@pytest.mark.parametrize("kind", KINDS)
def test_theCliNetsMatchOnnxRuntime(kind, tmp_path, rng):
	assert kind in CLI_INSHAPES, "buildNet kind %r has no input shape in CLI_INSHAPES" % kind
	inshape = CLI_INSHAPES[kind]
	checkExport(buildNet(kind, inshape), [(1, ) + inshape], tmp_path, rng)


def test_embedderReadingANetInput(tmp_path, rng):
	# Our containers check that their input has the net's float dtype, so the reference runs the layers one by one
	net = Sequential().extend([Modules.Embedder(7, 3), Modules.Flatten(), Modules.Linear(12, 2)]).evalMode()
	model = exportOnnx(net, tmp_path / "net.onnx", [(2, 4)])
	assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT32
	for batch in BATCHES:
		x = rng.integers(0, 7, (batch, 4)).astype(np.int32)
		expected = net[2](net[1](net[0](gpuarray.to_gpu(x)))).get()
		np.testing.assert_allclose(runtime(tmp_path / "net.onnx", [x])[0], expected, rtol=TOLERANCE, atol=TOLERANCE)


# --- the file ----------------------------------------------------------------------------------------------

def test_initializersCarryTheVariableNamesAndSharedOnesAreStoredOnce(tmp_path):
	first, second = Modules.Linear(3, 3, name="first"), Modules.Linear(3, 3, name="second")
	second.setVar("W", first.W)  # tied weights
	bn = Modules.BatchNorm1D(3, name="bn")
	net = Sequential(name="net").extend([first, bn, second])
	model = exportOnnx(net, tmp_path / "net.onnx", [(1, 3)])
	names = sorted(init.name for init in model.graph.initializer)
	assert names == ["bn.bias", "bn.mean", "bn.scale", "bn.var", "first.W", "first.b", "second.b"]
	stored = {init.name: onnx.numpy_helper.to_array(init) for init in model.graph.initializer}
	assert all(a.dtype == np.float32 for a in stored.values())
	np.testing.assert_array_equal(stored["first.W"], first.W.data.get())
	assert [x.name for x in model.graph.input] == ["input"] and [y.name for y in model.graph.output] == ["output"]


def test_float64NetIsExportedInFloat32(tmp_path, rng):
	net = buildNet("mlp", (8, ), hidden=(6, )).calcMode(np.float64)
	path = tmp_path / "net.onnx"
	exportOnnx(net, path, [(1, 8)])
	x = rng.standard_normal((4, 8))
	expected = net.evalMode()(gpuarray.to_gpu(x)).get()
	got = runtime(path, [x.astype(np.float32)])[0]
	assert got.dtype == np.float32
	np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
	assert net.calctype == np.float64  # the net itself is not changed


def test_unmappedModuleIsNamedWithItsPlace(tmp_path):
	net = Sequential(name="net").extend([Modules.Linear(3, 3), Sequential(name="block").extend([Modules.Identity(), Tanh()])])
	with pytest.raises(ValueError, match=r"exportOnnx: module 'block\.Tanh1' \(Tanh\) has no ONNX mapping"):
		exportOnnx(net, tmp_path / "net.onnx", [(1, 3)])
	assert not os.listdir(tmp_path)


def test_aSubclassIsNotExportedAsItsParent(tmp_path):
	class Scaled(Modules.Linear):
		def updateData(self, data):
			return super().updateData(data) * 2

	with pytest.raises(ValueError, match=r"the net itself \(Scaled\) has no ONNX mapping"):
		exportOnnx(Scaled(2, 2), tmp_path / "net.onnx", [(1, 2)])


@pytest.mark.parametrize("shapes, message", [
	([], "inputShapes must be a list of shapes"),
	("(1, 3)", "inputShapes must be a list of shapes"),
	([(1, 0)], "input shape 0 must be a non-empty tuple of positive ints"),
	([(1, 3), ()], "input shape 1 must be a non-empty tuple"),
	([(1, 4)], r"module 'Linear0' \(Linear\) with input shapes from inputShapes: Linear 'Linear0'|expected input of shape \(batch, 3\)"),
	([(1, 3), (1, 3)], r"module 'Linear0' \(Linear\) takes one array, gets a list of 2"),
])
def test_badInputShapes(shapes, message, tmp_path):
	net = Sequential().extend([Modules.Linear(3, 2)])
	with pytest.raises(ValueError, match=message):
		exportOnnx(net, tmp_path / "net.onnx", shapes)


def test_badArguments(tmp_path):
	with pytest.raises(TypeError, match="exportOnnx: net must be a Module"):
		exportOnnx("net", tmp_path / "net.onnx", [(1, 3)])
	with pytest.raises(TypeError, match="exportOnnx: path must be a str"):
		exportOnnx(Modules.Linear(3, 2), 3, [(1, 3)])


def test_aBareShapeIsOneInput(tmp_path, rng):
	checkExport(Modules.Linear(3, 2), [(1, 3)], tmp_path, rng)
	model = exportOnnx(Modules.Linear(3, 2), tmp_path / "bare.onnx", (1, 3))
	assert [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]] == [3]


def test_theFileIsReplacedAtomically(tmp_path, monkeypatch):
	path = tmp_path / "net.onnx"
	path.write_bytes(b"previous")
	from framework import Files

	def failingWrite(target, data):
		with Files.atomicPath(target) as tmp:
			with open(tmp, "wb") as f:
				f.write(data[:10])
			raise OSError("disk full")
	monkeypatch.setattr(Files, "writeBytesAtomically", failingWrite)
	with pytest.raises(OSError, match="disk full"):
		exportOnnx(Modules.Linear(3, 2), path, [(1, 3)])
	assert path.read_bytes() == b"previous" and os.listdir(tmp_path) == ["net.onnx"]


def test_missingOnnxNamesTheExtra(tmp_path, monkeypatch):
	import sys
	monkeypatch.setitem(sys.modules, "onnx", None)
	with pytest.raises(ImportError, match=r'pip install -e "\.\[onnx\]"'):
		exportOnnx(Modules.Linear(3, 2), tmp_path / "net.onnx", [(1, 3)])


@pytest.mark.parametrize("mode", ["lstm", "gru", "tanh", "relu"])
def test_recurrentNetsWithFreeTimeAndBatch(mode, tmp_path, rng):
	# The registry cases (tests/Modules/cases.py) cover every mode and direction; this one stacks two bidirectional
	# layers behind a SwapAxes and keeps the last step, at sizes where float32 rounding adds up over 9 steps
	net = Sequential().extend([
		Modules.SwapAxes(0, 1), Modules.RNN(6, 8, layers=2, mode=mode, direction="bi", getSequences=False), Modules.Linear(16, 3)
	])
	checkExport(net, [(2, 9, 6)], tmp_path, rng)
