"""RNN: outputs and every gradient against torch.nn.LSTM/GRU/RNN with copied weights, the layout, dropout, errors.

The finite-difference checks for every mode and direction run from MODULE_CASES (tests/Modules/cases.py).
"""
import numpy as np
import pytest

from framework import Config
from framework.Backend import gpuarray
from framework.Modules import RNN
from framework.Optimizers import RMSPropGraves
from framework.Optimizers.Hooks import ClipGradNorm, ClipGradValue

MODES = ["lstm", "gru", "relu", "tanh"]
DIRECTIONS = ["uni", "bi"]


def _torchModule(torch, mode, insize, hsize, layers, direction, dtype):
	kwargs = dict(input_size=insize, hidden_size=hsize, num_layers=layers, bidirectional=direction == "bi")
	if mode == "lstm":
		net = torch.nn.LSTM(**kwargs)
	elif mode == "gru":
		net = torch.nn.GRU(**kwargs)
	else:
		net = torch.nn.RNN(nonlinearity=mode, **kwargs)
	return net.to(torch.float64 if dtype == np.float64 else torch.float32)


def _copyTorchWeights(torchNet, rnn):
	"""Copies a torch state dict onto the RNN by name: the layouts must agree for this to work at all."""
	for name, value in torchNet.state_dict().items():
		rnn.getVar(name).set(value.detach().numpy().astype(rnn.calctype))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("getSequences", [True, False])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("mode", MODES)
def test_matches_torch(mode, direction, layers, getSequences, dtype):
	torch = pytest.importorskip("torch")
	torch.manual_seed(0)
	T, batch, insize, hsize = 5, 3, 4, 6
	torchNet = _torchModule(torch, mode, insize, hsize, layers, direction, dtype)

	rnn = RNN(insize, hsize, layers=layers, mode=mode, direction=direction, getSequences=getSequences).calcMode(dtype)
	_copyTorchWeights(torchNet, rnn)
	assert sorted(rnn.vars) == sorted(torchNet.state_dict())

	rng = np.random.default_rng(1)
	x = rng.standard_normal((T, batch, insize)).astype(dtype)
	out = rnn(gpuarray.to_gpu(x))

	tx = torch.tensor(x, requires_grad=True)
	tout, _ = torchNet(tx)
	if not getSequences:
		tout = tout[-1]
	w = rng.standard_normal(tuple(tout.shape)).astype(dtype)
	(tout * torch.tensor(w)).sum().backward()

	tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)
	assert out.shape == tuple(tout.shape)
	np.testing.assert_allclose(out.get(), tout.detach().numpy(), **tol)

	dx = rnn.backward(gpuarray.to_gpu(w))
	np.testing.assert_allclose(dx.get(), tx.grad.numpy(), **tol)
	for name, param in torchNet.named_parameters():
		np.testing.assert_allclose(rnn.getVar(name).grad.get(), param.grad.numpy(), err_msg=name, **tol)


@pytest.mark.parametrize("mode", MODES)
def test_weight_layout_and_names(mode):
	gates = {"lstm": 4, "gru": 3, "relu": 1, "tanh": 1}[mode]
	rnn = RNN(3, 5, layers=2, mode=mode, direction="bi")
	expected = {}
	for layer, insize in ((0, 3), (1, 10)):
		for suffix in ("", "_reverse"):
			expected["weight_ih_l%d%s" % (layer, suffix)] = (gates * 5, insize)
			expected["weight_hh_l%d%s" % (layer, suffix)] = (gates * 5, 5)
			expected["bias_ih_l%d%s" % (layer, suffix)] = (gates * 5, )
			expected["bias_hh_l%d%s" % (layer, suffix)] = (gates * 5, )
	assert {name: tuple(var.shape) for name, var in rnn.vars.items()} == expected
	assert all(var.name == name for name, var in rnn.vars.items())
	# PyTorch's initialisation: U(-1/sqrt(hsize), 1/sqrt(hsize))
	values = np.concatenate([var.data.get().ravel() for var in rnn.vars.values()])
	assert np.abs(values).max() <= 1 / np.sqrt(5) and np.abs(values).max() > 0.8 / np.sqrt(5)


def test_output_shapes():
	x = gpuarray.to_gpu(np.zeros((7, 2, 3), np.float32))
	assert RNN(3, 4)(x).shape == (7, 2, 4)
	assert RNN(3, 4, direction="bi")(x).shape == (7, 2, 8)
	assert RNN(3, 4, layers=3, direction="bi", getSequences=False)(x).shape == (2, 8)


def test_dropout_between_layers_train_only():
	Config.setSeed(3)
	rng = np.random.default_rng(0)
	x = gpuarray.to_gpu(rng.standard_normal((6, 4, 3)).astype(np.float64))
	rnn = RNN(3, 8, layers=2, dropout=0.5).calcMode(np.float64)
	plain = RNN(3, 8, layers=2).calcMode(np.float64)
	for name, var in rnn.vars.items():
		plain.getVar(name).set(var)

	rnn.evalMode()
	np.testing.assert_array_equal(rnn(x).get(), plain(x).get())

	rnn.trainMode()
	dropped = rnn(x).get()
	assert not np.allclose(dropped, plain(x).get())
	# the mask is applied between the layers only: the first layer's outputs are untouched
	first = RNN(3, 8).calcMode(np.float64)
	for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
		first.getVar(name).set(rnn.getVar(name))
	mask = rnn.layerCache[0]["mask"].get()
	assert set(np.unique(mask)) <= {0.0, 2.0} and 0.3 < (mask == 0).mean() < 0.7
	np.testing.assert_array_equal(rnn.layerCache[1]["input"].get(), first(x).get() * mask)


@pytest.mark.parametrize("mode", MODES)
def test_nan_input_propagates(mode):
	x = np.zeros((3, 2, 2), np.float32)
	x[0, 0, 0] = np.nan
	out = RNN(2, 3, mode=mode)(gpuarray.to_gpu(x)).get()
	assert np.isnan(out[:, 0]).all(), "a NaN input must reach every later state of its sequence"
	assert np.isfinite(out[:, 1]).all()


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("mode", MODES)
def test_nan_gradient_propagates(mode, direction):
	"""A NaN in the incoming gradient reaches the input gradient of its sequence, even through switched-off ReLUs."""
	rng = np.random.default_rng(0)
	rnn = RNN(2, 3, mode=mode, direction=direction)
	x = rng.standard_normal((4, 2, 2)).astype(np.float32)
	out = rnn(gpuarray.to_gpu(x))
	grad = np.ones(out.shape, np.float32)
	grad[3, 0] = np.nan
	dx = rnn.backward(gpuarray.to_gpu(grad)).get()
	assert np.isnan(dx[3, 0]).all() and np.isfinite(dx[:, 1]).all()
	assert all(np.isnan(var.grad.get()).any() for var in rnn.vars.values())


def test_nan_gradient_passes_switched_off_relu_units():
	rnn = RNN(2, 3, mode="relu")
	for name, var in rnn.vars.items():
		var.set(np.full(var.shape, -1.0 if name == "bias_ih_l0" else 0.0, np.float32))  # every unit off at every step
	out = rnn(gpuarray.to_gpu(np.ones((2, 2, 2), np.float32)))
	assert not out.get().any()
	grad = np.ones(out.shape, np.float32)
	grad[1, 0, 0] = np.nan
	dx = rnn.backward(gpuarray.to_gpu(grad)).get()
	assert np.isnan(dx[1, 0]).all(), "0 * NaN is NaN: the slope of 0 must not hide it"
	assert np.isfinite(dx[:, 1]).all()


@pytest.mark.parametrize("hook", [ClipGradValue(0.01), ClipGradNorm(0.05)], ids=["value", "norm"])
@pytest.mark.parametrize("globalState", [True, False])
def test_clipping_hooks_act_on_the_rnn_gradients(hook, globalState):
	"""Graves' recipe: RMSPropGraves with clipped gradients; the clipped step equals the step on clipped gradients."""
	rng = np.random.default_rng(0)
	x = gpuarray.to_gpu(rng.standard_normal((4, 3, 2)))
	w = gpuarray.to_gpu(rng.standard_normal((4, 3, 5)))

	def gradsAndStep(useHook):
		Config.setSeed(0)
		rnn = RNN(2, 5, mode="lstm").calcMode(np.float64)
		opt = RMSPropGraves(learnRate=1e-2)
		if useHook:
			opt.addHook(hook)
		opt.setupOn(rnn, useGlobalState=globalState)
		opt.zeroGradParams()
		rnn(x)
		rnn.backward(w)
		raw = {name: var.grad.get() for name, var in rnn.vars.items()}
		opt.update()
		return raw, {name: var.data.get() for name, var in rnn.vars.items()}, {name: var.grad.get() for name, var in rnn.vars.items()}

	raw, _, _ = gradsAndStep(False)
	_, stepped, clipped = gradsAndStep(True)
	if isinstance(hook, ClipGradValue):
		expected = {name: np.clip(g, -0.01, 0.01) for name, g in raw.items()}
	else:
		norm = np.sqrt(sum((g ** 2).sum() for g in raw.values()))
		assert norm > 0.05
		expected = {name: g * 0.05 / (norm + 1e-6) for name, g in raw.items()}
	for name in raw:
		np.testing.assert_allclose(clipped[name], expected[name], rtol=1e-10, atol=1e-14, err_msg=name)
	assert any(not np.allclose(raw[name], clipped[name]) for name in raw)


@pytest.mark.parametrize("kwargs, message", [
	(dict(mode="LSTM"), r"RNN: mode must be one of lstm, gru, relu, tanh, got 'LSTM'"),
	(dict(direction="both"), r"RNN: direction must be one of uni, bi, got 'both'"),
	(dict(dropout=1.0), r"RNN: dropout must be a number in \[0, 1\)"),
	(dict(layers=0), r"RNN: layers must be an int >= 1"),
	(dict(hsize=2.5), r"RNN: hsize must be an int >= 1"),
])
def test_bad_arguments_name_the_module(kwargs, message):
	args = dict(insize=3, hsize=4)
	args.update(kwargs)
	with pytest.raises(ValueError, match=message):
		RNN(**args)


def test_bad_input_names_the_module():
	rnn = RNN(3, 4, name="enc")
	with pytest.raises(ValueError, match=r"RNN 'enc': expected time-major input of shape \(T, batch, 3\).*\(2, 3\)"):
		rnn(gpuarray.to_gpu(np.zeros((2, 3), np.float32)))
	with pytest.raises(ValueError, match=r"RNN 'enc': .*\(5, 2, 4\)"):
		rnn(gpuarray.to_gpu(np.zeros((5, 2, 4), np.float32)))
	with pytest.raises(TypeError, match=r"RNN 'enc': expected input of dtype float32, got float64"):
		rnn(gpuarray.to_gpu(np.zeros((5, 2, 3), np.float64)))
	with pytest.raises(TypeError, match=r"getSequences must be a bool"):
		RNN(3, 4, getSequences=1)
