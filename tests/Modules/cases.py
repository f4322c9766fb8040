"""The registry of every public module: how to build each one with a small float64 input.

A Case's build(rng) returns (module, input) with the module already in float64; flags:
  "intInput"     the input is int32 indices (Embedder): no input gradient
  "randomTrain"  training mode draws random numbers (Dropout): reseed before each forward to fix them
"""
from collections import namedtuple

import numpy as np

from framework.Backend import gpuarray
from framework import Modules

Case = namedtuple("Case", ["id", "cls", "build", "flags"])


def _array(rng, *shape):
	return gpuarray.to_gpu(rng.standard_normal(shape))


def _single(module, rng, *shape):
	return module.calcMode(np.float64), _array(rng, *shape)


def _randomBias(module, rng):
	# biases start at zero; a random one makes the bias path visible in the checks
	module.calcMode(np.float64)
	if "b" in module.vars:
		module.vars["b"].data.set(rng.standard_normal(module.vars["b"].shape))
	return module


def _batchNorm(module, rng, *shape):
	module.calcMode(np.float64)
	# running statistics away from their (0, 1) start, so evaluation mode has something to get wrong
	module.attrs["mean"].set(rng.standard_normal(module.size))
	module.attrs["var"].set(rng.uniform(0.5, 2.0, module.size))
	if module.affine:
		module.vars["scale"].data.set(rng.uniform(0.5, 1.5, module.size))
		module.vars["bias"].data.set(rng.standard_normal(module.size))
	return module, _array(rng, *shape)


def _case(id, cls, build, *flags):
	return Case(id, cls, build, frozenset(flags))


MODULE_CASES = [
	_case("Linear", Modules.Linear, lambda rng: _single(_randomBias(Modules.Linear(4, 3), rng), rng, 2, 4)),
	_case("Linear-noBias", Modules.Linear, lambda rng: _single(Modules.Linear(3, 2, useBias=False), rng, 3, 3)),
	_case("Conv2D", Modules.Conv2D, lambda rng: _single(_randomBias(Modules.Conv2D(2, 3, 3, pad=1), rng), rng, 2, 2, 4, 4)),
	_case("Conv2D-strided-dilated-grouped", Modules.Conv2D, lambda rng: _single(
		_randomBias(Modules.Conv2D(4, 4, (2, 3), stride=(2, 1), pad=(1, 2), dilation=(2, 1), groups=2), rng), rng, 1, 4, 5, 4
	)),
	_case("Conv2D-noBias", Modules.Conv2D, lambda rng: _single(Modules.Conv2D(1, 2, 2, stride=2, useBias=False), rng, 2, 1, 4, 4)),
	_case("MaxPool2D", Modules.MaxPool2D, lambda rng: _single(Modules.MaxPool2D(2), rng, 2, 2, 4, 4)),
	_case("MaxPool2D-overlap-pad", Modules.MaxPool2D, lambda rng: _single(Modules.MaxPool2D(3, 2, 1), rng, 1, 2, 5, 4)),
	_case("AvgPool2D", Modules.AvgPool2D, lambda rng: _single(Modules.AvgPool2D(2), rng, 2, 2, 4, 4)),
	_case("AvgPool2D-overlap-pad", Modules.AvgPool2D, lambda rng: _single(Modules.AvgPool2D(3, 2, 1), rng, 1, 2, 5, 4)),
] + [
	_case("Activation-%s" % act, Modules.Activation, (lambda act: lambda rng: _single(Modules.Activation(act), rng, 3, 4))(act))
	for act in (Modules.relu, Modules.leakyRelu, Modules.sigmoid, Modules.tanh, Modules.elu, Modules.softPlus, Modules.gelu)
] + [
	_case("SoftMax", Modules.SoftMax, lambda rng: _single(Modules.SoftMax(), rng, 3, 5)),
	_case("Dropout", Modules.Dropout, lambda rng: _single(Modules.Dropout(0.3), rng, 3, 4), "randomTrain"),
	_case("BatchNorm1D", Modules.BatchNorm1D, lambda rng: _batchNorm(Modules.BatchNorm1D(3), rng, 5, 3)),
	_case("BatchNorm1D-noAffine", Modules.BatchNorm1D, lambda rng: _batchNorm(Modules.BatchNorm1D(2, affine=False), rng, 4, 2)),
	_case("BatchNorm2D", Modules.BatchNorm2D, lambda rng: _batchNorm(Modules.BatchNorm2D(2), rng, 3, 2, 2, 2)),
	_case("Flatten", Modules.Flatten, lambda rng: _single(Modules.Flatten(), rng, 2, 2, 3, 2)),
	_case("Reshape", Modules.Reshape, lambda rng: _single(Modules.Reshape((-1, 3, 2)), rng, 2, 6)),
	_case("Concat", Modules.Concat, lambda rng: (
		Modules.Concat(axis=1).calcMode(np.float64), [_array(rng, 2, 3, 2), _array(rng, 2, 1, 2), _array(rng, 2, 2, 2)]
	)),
	_case("Concat-lastAxis", Modules.Concat, lambda rng: (
		Modules.Concat(axis=-1).calcMode(np.float64), [_array(rng, 2, 2), _array(rng, 2, 3)]
	)),
	_case("Split", Modules.Split, lambda rng: _single(Modules.Split(axis=1, sections=[1, 3]), rng, 2, 4, 2)),
	_case("Split-equal-lastAxis", Modules.Split, lambda rng: _single(Modules.Split(axis=2, sections=2), rng, 2, 2, 4)),
	_case("Add", Modules.Add, lambda rng: (Modules.Add().calcMode(np.float64), [_array(rng, 2, 3) for _ in range(3)])),
	_case("Replicate", Modules.Replicate, lambda rng: _single(Modules.Replicate(3), rng, 2, 3)),
	_case("Identity", Modules.Identity, lambda rng: _single(Modules.Identity(), rng, 2, 3)),
	_case("Embedder", Modules.Embedder, lambda rng: (
		Modules.Embedder(5, 3).calcMode(np.float64), gpuarray.to_gpu(np.array([[0, 2, 2, 4], [4, 1, 2, 0]], dtype=np.int32))
	), "intInput"),
	_case("SwapAxes-batch-time", Modules.SwapAxes, lambda rng: _single(Modules.SwapAxes(0, 1), rng, 2, 3, 4)),
	_case("SwapAxes-inner", Modules.SwapAxes, lambda rng: _single(Modules.SwapAxes(3, 1), rng, 2, 3, 2, 4, 3)),
	_case("SwapAxes-same", Modules.SwapAxes, lambda rng: _single(Modules.SwapAxes(1, 1), rng, 2, 3)),
] + [
	_case("RNN-%s-%s" % (mode, direction), Modules.RNN, (lambda mode, direction: lambda rng: _single(
		Modules.RNN(2, 3, mode=mode, direction=direction), rng, 3, 2, 2
	))(mode, direction))
	for mode in ("lstm", "gru", "relu", "tanh") for direction in ("uni", "bi")
] + [
	_case("RNN-gru-2layers-bi-last", Modules.RNN, lambda rng: _single(
		Modules.RNN(2, 3, layers=2, mode="gru", direction="bi", getSequences=False), rng, 3, 2, 2
	)),
	_case("RNN-lstm-2layers-dropout", Modules.RNN, lambda rng: _single(
		Modules.RNN(2, 3, layers=2, dropout=0.4), rng, 3, 2, 2
	), "randomTrain"),
]


def publicModuleClasses():
	"""Every class framework.Modules exports, except the Module base."""
	return sorted(
		(obj for name, obj in vars(Modules).items() if isinstance(obj, type) and issubclass(obj, Modules.Module)
		 and obj is not Modules.Module and not name.startswith("_")),
		key=lambda cls: cls.__name__
	)
