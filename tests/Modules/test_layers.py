"""Per-layer tests: outputs and gradients against PyTorch (skipped without it) and numpy, layer semantics."""
import numpy as np
import pytest

from framework import Config
from framework.Backend import gpuarray
from framework.Modules import (
	Activation, Add, AvgPool2D, BatchNorm1D, BatchNorm2D, Concat, Conv2D, Dropout, Embedder, Flatten, Identity, Linear,
	MaxPool2D, Replicate, Reshape, SoftMax, Split, elu, gelu, leakyRelu, relu, sigmoid, softPlus, tanh
)


def dev(x):
	return gpuarray.to_gpu(np.asarray(x))


def torchForwardBackward(fn, x, params, gradOut):
	"""Runs a torch function on float64 copies; returns (output, input grad, [param grads])."""
	torch = pytest.importorskip("torch")
	tx = torch.tensor(x, requires_grad=True)
	tp = [torch.tensor(p, requires_grad=True) for p in params]
	ty = fn(tx, *tp)
	ty.backward(torch.tensor(gradOut))
	return ty.detach().numpy(), tx.grad.numpy(), [p.grad.numpy() for p in tp]


# --- Linear ------------------------------------------------------------------------------------------------

def test_linearMatchesNumpy(rng):
	m = Linear(5, 3).calcMode(np.float64)
	m.b.data.set(rng.standard_normal(3))
	x, g = rng.standard_normal((4, 5)), rng.standard_normal((4, 3))
	W, b = m.W.data.get(), m.b.data.get()

	np.testing.assert_allclose(m(dev(x)).get(), x @ W + b, rtol=1e-12)
	np.testing.assert_allclose(m.backward(dev(g)).get(), g @ W.T, rtol=1e-12)
	np.testing.assert_allclose(m.W.grad.get(), x.T @ g, rtol=1e-12)
	np.testing.assert_allclose(m.b.grad.get(), g.sum(axis=0), rtol=1e-12)


# --- Conv2D ------------------------------------------------------------------------------------------------

CONV_CONFIGS = [
	dict(inmaps=3, outmaps=4, size=3, stride=1, pad=1, dilation=1, groups=1, shape=(2, 3, 6, 5)),
	dict(inmaps=4, outmaps=6, size=(2, 3), stride=(2, 1), pad=(1, 2), dilation=(2, 1), groups=2, shape=(2, 4, 7, 6)),
	dict(inmaps=4, outmaps=4, size=3, stride=2, pad=0, dilation=1, groups=4, shape=(1, 4, 7, 7)),
	dict(inmaps=2, outmaps=3, size=1, stride=3, pad=0, dilation=1, groups=1, shape=(3, 2, 5, 4)),
	dict(inmaps=2, outmaps=2, size=2, stride=1, pad=2, dilation=3, groups=1, shape=(1, 2, 3, 3)),
]


@pytest.mark.parametrize("cfg", CONV_CONFIGS, ids=lambda c: "k%s-s%s-p%s-d%s-g%s" % (
	c["size"], c["stride"], c["pad"], c["dilation"], c["groups"]))
def test_conv2dMatchesTorch(cfg, rng):
	torch = pytest.importorskip("torch")
	cfg = dict(cfg)
	shape = cfg.pop("shape")
	m = Conv2D(**cfg).calcMode(np.float64)
	m.b.data.set(rng.standard_normal(cfg["outmaps"]))
	x = rng.standard_normal(shape)
	y = m(dev(x))
	g = rng.standard_normal(y.shape)
	dx = m.backward(dev(g))

	fn = lambda tx, tw, tb: torch.nn.functional.conv2d(
		tx, tw, tb, stride=cfg["stride"], padding=cfg["pad"], dilation=cfg["dilation"], groups=cfg["groups"]
	)
	ty, tdx, (tdw, tdb) = torchForwardBackward(fn, x, [m.W.data.get(), m.b.data.get()], g)
	np.testing.assert_allclose(y.get(), ty, rtol=1e-10, atol=1e-12)
	np.testing.assert_allclose(dx.get(), tdx, rtol=1e-10, atol=1e-12)
	np.testing.assert_allclose(m.W.grad.get(), tdw, rtol=1e-10, atol=1e-12)
	np.testing.assert_allclose(m.b.grad.get(), tdb, rtol=1e-10, atol=1e-12)


def test_conv2d1x1IsAPerPixelMatrixProduct(rng):
	m = Conv2D(3, 2, 1, useBias=False).calcMode(np.float64)
	x = rng.standard_normal((2, 3, 4, 5))
	W = m.W.data.get().reshape(2, 3)
	np.testing.assert_allclose(m(dev(x)).get(), np.einsum("oc,nchw->nohw", W, x), rtol=1e-12)


def test_conv2dWeightShapeAndHeInit():
	Config.setSeed(3)
	m = Conv2D(8, 16, (3, 2), groups=2)
	assert m.W.shape == (16, 4, 3, 2) and m.b.shape == (16, )
	std = m.W.data.get().std()
	assert abs(std - np.sqrt(2.0 / (4 * 3 * 2))) < 0.15 * np.sqrt(2.0 / 24)


# --- pooling -----------------------------------------------------------------------------------------------

POOL_CONFIGS = [(2, None, 0, (2, 3, 6, 6)), (3, 2, 1, (1, 2, 7, 8)), ((3, 2), (1, 2), (1, 1), (2, 1, 5, 7)), (3, 1, 0, (1, 1, 5, 5))]


@pytest.mark.parametrize("size, stride, pad, shape", POOL_CONFIGS)
@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
def test_poolingMatchesTorch(cls, size, stride, pad, shape, rng):
	torch = pytest.importorskip("torch")
	m = cls(size, stride, pad).calcMode(np.float64)
	x = rng.standard_normal(shape)
	y = m(dev(x))
	g = rng.standard_normal(y.shape)
	dx = m.backward(dev(g))

	kwargs = dict(kernel_size=size, stride=size if stride is None else stride, padding=pad)
	if cls is MaxPool2D:
		fn = lambda tx: torch.nn.functional.max_pool2d(tx, **kwargs)
	else:
		fn = lambda tx: torch.nn.functional.avg_pool2d(tx, count_include_pad=True, **kwargs)
	ty, tdx, _ = torchForwardBackward(fn, x, [], g)
	np.testing.assert_allclose(y.get(), ty, rtol=1e-12, atol=1e-14)
	np.testing.assert_allclose(dx.get(), tdx, rtol=1e-12, atol=1e-14)


def test_maxpoolNumpyReferenceAndFirstMaximumWins():
	x = np.array([[[[1, 5, 2, 2], [3, 0, 2, 2], [7, 7, 1, 0], [7, 6, 0, 1]]]], dtype=np.float64)
	m = MaxPool2D(2).calcMode(np.float64)
	np.testing.assert_array_equal(m(dev(x)).get(), [[[[5, 2], [7, 1]]]])
	dx = m.backward(dev(np.ones((1, 1, 2, 2)))).get()
	# ties send the whole gradient to the first maximum in row-major order, as torch does
	np.testing.assert_array_equal(dx, [[[[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]]])


def test_avgpoolCountsPaddingInTheDivisor():
	m = AvgPool2D(2, stride=2, pad=1).calcMode(np.float64)
	y = m(dev(np.ones((1, 1, 2, 2)))).get()
	# each corner window holds one real 1 and three padded zeros
	np.testing.assert_array_equal(y, np.full((1, 1, 2, 2), 0.25))


# --- activations and softmax -------------------------------------------------------------------------------

def _torchActivation(torch, name):
	F = torch.nn.functional
	return {
		relu: torch.relu, leakyRelu: F.leaky_relu, sigmoid: torch.sigmoid, tanh: torch.tanh,
		elu: F.elu, softPlus: F.softplus, gelu: F.gelu
	}[name]


@pytest.mark.parametrize("name", [relu, leakyRelu, sigmoid, tanh, elu, softPlus, gelu])
def test_activationMatchesTorch(name, dtype, rng):
	torch = pytest.importorskip("torch")
	x = (rng.standard_normal((6, 7)) * 4).astype(dtype)
	x[0, :3] = [25.0, -30.0, 0.0]  # softPlus's threshold, saturation, and the kink
	g = rng.standard_normal(x.shape).astype(dtype)
	m = Activation(name).calcMode(dtype)
	y, dx = m(dev(x)), m.backward(dev(g))

	tx = torch.tensor(x, requires_grad=True)
	ty = _torchActivation(torch, name)(tx)
	ty.backward(torch.tensor(g))
	tol = dict(rtol=1e-6, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-14)
	assert y.dtype == dtype and dx.dtype == dtype
	np.testing.assert_allclose(y.get(), ty.detach().numpy(), **tol)
	np.testing.assert_allclose(dx.get(), tx.grad.numpy(), **tol)


def test_activationNumpyReferences(rng):
	x = rng.standard_normal((3, 4)) * 3
	refs = {
		relu: np.maximum(x, 0), leakyRelu: np.where(x > 0, x, 0.01 * x), sigmoid: 1 / (1 + np.exp(-x)),
		tanh: np.tanh(x), elu: np.where(x > 0, x, np.expm1(x)), softPlus: np.log1p(np.exp(x)),
	}
	for name, ref in refs.items():
		np.testing.assert_allclose(Activation(name).calcMode(np.float64)(dev(x)).get(), ref, rtol=1e-12, err_msg=name)


def test_unknownActivationListsTheAllowedOnes():
	with pytest.raises(ValueError, match=r"Activation: activation must be one of relu, leakyRelu, .*gelu, got 'swish'"):
		Activation("swish")


def test_softmaxMatchesNumpyAndTorch(dtype, rng):
	x = (rng.standard_normal((4, 6)) * 30).astype(dtype)  # large logits: the row maximum must be subtracted
	g = rng.standard_normal(x.shape).astype(dtype)
	m = SoftMax().calcMode(dtype)
	y, dx = m(dev(x)).get(), m.backward(dev(g)).get()

	e = np.exp(x.astype(np.float64) - x.max(axis=1, keepdims=True))
	ref = e / e.sum(axis=1, keepdims=True)
	tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
	np.testing.assert_allclose(y, ref, **tol)
	np.testing.assert_allclose(dx, ref * (g - (g * ref).sum(axis=1, keepdims=True)), **tol)
	assert np.all(np.isfinite(y))

	torch = pytest.importorskip("torch")
	np.testing.assert_allclose(y, torch.softmax(torch.tensor(x), 1).numpy(), **tol)


# --- Dropout -----------------------------------------------------------------------------------------------

def test_dropoutIsInvertedAndReproducible():
	m = Dropout(0.25).calcMode(np.float64)
	x = np.ones((200, 100))
	Config.setSeed(11)
	y = m(dev(x)).get()
	kept = y != 0
	np.testing.assert_allclose(y[kept], 1 / 0.75, rtol=1e-12)
	assert abs(1 - kept.mean() - 0.25) < 0.01  # 20,000 draws: three standard deviations is 0.009

	dx = m.backward(dev(np.full(x.shape, 2.0))).get()
	np.testing.assert_allclose(dx, np.where(kept, 2 / 0.75, 0), rtol=1e-12)

	Config.setSeed(11)
	np.testing.assert_array_equal(m(dev(x)).get(), y)
	assert not np.array_equal(m(dev(x)).get(), y)


def test_dropoutIsTheIdentityInEvalMode(rng):
	m = Dropout(0.5).evalMode()
	x = dev(rng.standard_normal((3, 4)).astype(np.float32))
	np.testing.assert_array_equal(m(x).get(), x.get())
	g = dev(rng.standard_normal((3, 4)).astype(np.float32))
	np.testing.assert_array_equal(m.backward(g).get(), g.get())


@pytest.mark.parametrize("p", [-0.1, 1.0, "0.5", True])
def test_dropoutRejectsBadP(p):
	with pytest.raises(ValueError, match=r"Dropout: p must be a number in \[0, 1\)"):
		Dropout(p)


# --- BatchNorm ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls, tcls, shape", [
	(BatchNorm1D, "BatchNorm1d", (6, 3)), (BatchNorm2D, "BatchNorm2d", (4, 3, 2, 3))
])
@pytest.mark.parametrize("affine", [True, False])
def test_batchnormMatchesTorchOverTrainAndEvalSteps(cls, tcls, shape, affine, rng):
	torch = pytest.importorskip("torch")
	m = cls(3, epsilon=1e-3, momentum=0.2, affine=affine).calcMode(np.float64)
	t = getattr(torch.nn, tcls)(3, eps=1e-3, momentum=0.2, affine=affine).double()
	if affine:
		scale, bias = rng.uniform(0.5, 1.5, 3), rng.standard_normal(3)
		m.vars["scale"].data.set(scale)
		m.vars["bias"].data.set(bias)
		with torch.no_grad():
			t.weight.copy_(torch.tensor(scale))
			t.bias.copy_(torch.tensor(bias))

	for train in (True, True, False, True, False):
		m.train = train
		t.train(train)
		if affine:
			for var in m.getVarTable():
				var.grad.fill(0)
			t.zero_grad()

		x = rng.standard_normal(shape) * 2 + 1
		g = rng.standard_normal(shape)
		y, dx = m(dev(x)).get(), m.backward(dev(g)).get()
		tx = torch.tensor(x, requires_grad=True)
		ty = t(tx)
		ty.backward(torch.tensor(g))

		np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
		np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
		np.testing.assert_allclose(m.attrs["mean"].get(), t.running_mean.numpy(), rtol=1e-12)
		np.testing.assert_allclose(m.attrs["var"].get(), t.running_var.numpy(), rtol=1e-12)
		if affine and train:
			np.testing.assert_allclose(m.vars["scale"].grad.get(), t.weight.grad.numpy(), rtol=1e-10, atol=1e-12)
			np.testing.assert_allclose(m.vars["bias"].grad.get(), t.bias.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_batchnorm2dNumpyReference(rng):
	m = BatchNorm2D(2, momentum=0.5).calcMode(np.float64)
	x = rng.standard_normal((3, 2, 2, 4)) * 3 - 1
	y = m(dev(x)).get()
	mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
	np.testing.assert_allclose(y, (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5), rtol=1e-10)
	np.testing.assert_allclose(m.getAttr("mean").get(), 0.5 * mean, rtol=1e-12)
	np.testing.assert_allclose(m.getAttr("var").get(), 0.5 + 0.5 * var * 24 / 23, rtol=1e-12)


def test_batchnormCalcmodeCastsStatistics():
	m = BatchNorm1D(4)
	assert m.getAttr("mean").dtype == np.float32
	m.calcMode(np.float64)
	assert m.getAttr("mean").dtype == np.float64 and m.getAttr("var").dtype == np.float64
	assert m.vars["scale"].dtype == np.float64
	assert m(dev(np.ones((2, 4)))).dtype == np.float64


# --- shape layers ------------------------------------------------------------------------------------------

def test_flattenAndReshape(rng):
	x = rng.standard_normal((2, 3, 4))
	np.testing.assert_array_equal(Flatten().calcMode(np.float64)(dev(x)).get(), x.reshape(2, 12))

	r = Reshape((-1, 6, 2)).calcMode(np.float64)
	np.testing.assert_array_equal(r(dev(x)).get(), x.reshape(-1, 6, 2))
	assert r.backward(dev(np.ones((2, 6, 2)))).shape == (2, 3, 4)
	assert Reshape((4, 6)).calcMode(np.float64)(dev(x)).shape == (4, 6)


def test_concatSplitRoundTripMatchesNumpy(rng):
	parts = [rng.standard_normal((2, k, 3)) for k in (1, 3, 2)]
	c = Concat(axis=1).calcMode(np.float64)
	y = c([dev(p) for p in parts]).get()
	np.testing.assert_array_equal(y, np.concatenate(parts, axis=1))

	s = Split(axis=1, sections=[1, 3, 2]).calcMode(np.float64)
	outs = s(dev(y))
	for a, b in zip(outs, parts):
		np.testing.assert_array_equal(a.get(), b)
	np.testing.assert_array_equal(s.backward([dev(p) for p in parts]).get(), y)
	for a, b in zip(c.backward(dev(y)), parts):
		np.testing.assert_array_equal(a.get(), b)

	axis0 = Concat(axis=0).calcMode(np.float64)([dev(parts[1][:1]), dev(parts[1])]).get()
	np.testing.assert_array_equal(axis0, np.concatenate([parts[1][:1], parts[1]], axis=0))


def test_addAndReplicate(rng):
	xs = [rng.standard_normal((2, 3)) for _ in range(3)]
	a = Add().calcMode(np.float64)
	np.testing.assert_allclose(a([dev(x) for x in xs]).get(), sum(xs), rtol=1e-12)
	grads = a.backward(dev(xs[0]))
	assert len(grads) == 3 and all(np.array_equal(g.get(), xs[0]) for g in grads)

	r = Replicate(3).calcMode(np.float64)
	outs = r(dev(xs[0]))
	assert len(outs) == 3 and all(np.array_equal(o.get(), xs[0]) for o in outs)
	np.testing.assert_allclose(r.backward([dev(x) for x in xs]).get(), sum(xs), rtol=1e-12)


def test_identityPassesThrough(rng):
	x = dev(rng.standard_normal((2, 2)).astype(np.float32))
	m = Identity()
	assert m(x) is x and m.backward(x) is x


# --- Embedder ----------------------------------------------------------------------------------------------

def test_embedderMatchesNumpyWithRepeatedIndices(rng):
	m = Embedder(6, 4).calcMode(np.float64)
	idx = np.array([[0, 5, 5, 2], [2, 2, 1, 5]], dtype=np.int32)
	W = m.W.data.get()
	y = m(dev(idx))
	np.testing.assert_array_equal(y.get(), W[idx])

	g = rng.standard_normal((2, 4, 4))
	assert m.backward(dev(g)) is None
	expected = np.zeros_like(W)
	np.add.at(expected, idx.reshape(-1), g.reshape(-1, 4))
	np.testing.assert_allclose(m.W.grad.get(), expected, rtol=1e-12)


@pytest.mark.parametrize("bad", [-1, 6])
def test_embedderIndexOutOfRange(bad):
	m = Embedder(6, 2)
	out = m(dev(np.array([[0, bad]], dtype=np.int32))).get()
	assert np.isfinite(out[0, 0]).all() and np.isnan(out[0, 1]).all()  # no read past the table
	with pytest.raises(ValueError, match=r"Embedder: index %d is out of range \[0, 6\) \(at position \(0, 1\)" % bad):
		m.backward(dev(np.ones((1, 2, 2), np.float32)))
	assert not m.W.grad.get().any()  # refused before anything was added


def test_embedderForwardReadsNothingBack(monkeypatch):
	m = Embedder(6, 2)
	idx = dev(np.array([[0, 5, 3]], dtype=np.int32))
	ArrayType = type(idx)
	reads = []
	original = ArrayType.get
	monkeypatch.setattr(ArrayType, "get", lambda self, *a, **k: reads.append(self.shape) or original(self, *a, **k))
	m(idx)
	assert reads == []


def test_embedderRejectsFloatAndWrongRank():
	m = Embedder(6, 2)
	with pytest.raises(TypeError, match="Embedder: expected int32 indices, got dtype float32"):
		m(dev(np.zeros((2, 3), np.float32)))
	with pytest.raises(ValueError, match=r"Embedder: expected indices of shape \(batch, seq\), got \(3,\)"):
		m(dev(np.zeros(3, np.int32)))
