"""Trainer, Validator and Calculator: batching with a partial last batch, reproducible shuffling, history, progress."""
import numpy as np
import pytest

from framework import Config
from framework.Backend import gpuarray
from framework.Containers import Sequential
from framework.Cost import CrossEntropy
from framework.Handlers import Calculator, Trainer, Validator
from framework.Modules.Activation import Activation
from framework.Modules.Linear import Linear
from framework.Optimizers import Adam, SGD


def makeNet(insize=6, classes=3):
	net = Sequential()
	net.extend([Linear(insize, 8), Activation("relu"), Linear(8, classes)])
	return net


def makeData(rng, size=23, insize=6, classes=3):
	return rng.standard_normal((size, insize)).astype(np.float32), rng.integers(0, classes, size).astype(np.int32)


class RecordingCost(CrossEntropy):
	"""CrossEntropy that remembers the labels of every batch it saw."""

	def __init__(self):
		super().__init__()
		self.batches = []


	def __call__(self, pred, target, queryError=True):
		self.batches.append(target.get())
		return super().__call__(pred, target, queryError)


def test_trainFromHostCoversEveryBatchOnceWithPartialLast(rng):
	data, target = makeData(rng)
	net = makeNet()
	cost = RecordingCost()
	trainer = Trainer(net, cost, SGD(0.01).setupOn(net), batchsize=5, progress=False)
	trainer.trainFromHost(data, target, shuffle=False)

	assert [len(b) for b in cost.batches] == [5, 5, 5, 5, 3]
	assert np.array_equal(np.concatenate(cost.batches), target)
	assert trainer.optimizer.t == 5


def test_shufflingFollowsTheGlobalSeed(rng):
	data, target = makeData(rng)
	target = np.arange(23, dtype=np.int32) % 3
	data[:, 0] = np.arange(23)  # the order is recoverable from the labels and data

	def epochOrders(seed):
		Config.setSeed(seed)
		net, cost = makeNet(), RecordingCost()
		Trainer(net, cost, SGD(0.0).setupOn(net), batchsize=4, progress=False).trainFromHost(data, target, epochs=2)
		return [b.tolist() for b in cost.batches]

	first, again, other = epochOrders(7), epochOrders(7), epochOrders(8)
	assert first == again and first != other
	assert sorted(sum(first[:6], [])) == sorted(target.tolist())  # an epoch is a permutation of the data
	assert first[:6] != first[6:]  # each epoch draws a fresh order


def test_trainHistoryAndLossWeightedBySamples(rng):
	data, target = makeData(rng)
	net = makeNet()
	trainer = Trainer(net, CrossEntropy(), SGD(0.0).setupOn(net), batchsize=10, progress=False)
	loss = trainer.trainFromHost(data, target, shuffle=False)

	# With learnRate 0 the weights stay put, so the epoch loss equals the full-batch loss
	full, _ = Validator(net, CrossEntropy(), batchsize=23).validateFromHost(data, target)
	assert loss == pytest.approx(full, rel=1e-5)

	row = trainer.history[-1]
	assert set(row) == {"epoch", "loss", "metric", "seconds"} and row["epoch"] == 1
	assert 0.0 <= row["metric"] <= 1.0 and row["seconds"] >= 0.0


def test_trainOnDeviceArraysMatchesHostWithoutShuffle(rng):
	data, target = makeData(rng)
	weights = []
	for onDevice in (True, False):
		Config.setSeed(3)
		net = makeNet()
		trainer = Trainer(net, CrossEntropy(), Adam(1e-2).setupOn(net), batchsize=4, progress=False)
		if onDevice:
			trainer.train(gpuarray.to_gpu(data), gpuarray.to_gpu(target), epochs=2)
		else:
			trainer.trainFromHost(data, target, epochs=2, shuffle=False)
		weights.append([var.data.get() for var in net.getVarTable()])
	for a, b in zip(*weights):
		assert np.array_equal(a, b)


def test_trainingLowersTheLoss(rng):
	data, _ = makeData(rng, size=64)
	target = (data @ rng.standard_normal((6, 3))).argmax(axis=1).astype(np.int32)  # a learnable rule
	net = makeNet()
	trainer = Trainer(net, CrossEntropy(), Adam(1e-2).setupOn(net), batchsize=16, progress=False)
	trainer.trainFromHost(data, target, epochs=30)
	assert trainer.history[-1]["loss"] < 0.3 * trainer.history[0]["loss"]
	assert trainer.history[-1]["metric"] < 0.15
	assert [row["epoch"] for row in trainer.history] == list(range(1, 31))


def test_validatorBatchesEqualOneBatch(rng):
	data, target = makeData(rng)
	net = makeNet()
	small = Validator(net, CrossEntropy(), batchsize=4).validateFromHost(data, target)
	whole = Validator(net, CrossEntropy(), batchsize=100).validate(gpuarray.to_gpu(data), gpuarray.to_gpu(target))
	assert small == pytest.approx(whole, rel=1e-5)

	pred = Calculator(net, batchsize=100).calcFromHost(data)
	assert whole[1] == pytest.approx(np.mean(pred.argmax(axis=1) != target))
	assert net.train  # put back into training mode


def test_calculatorConcatenatesBatches(rng):
	data, _ = makeData(rng)
	net = makeNet()
	expected = net(gpuarray.to_gpu(data)).get()

	calc = Calculator(net, batchsize=6)
	assert np.allclose(calc.calcFromHost(data), expected, atol=1e-6)
	out = calc.calc(gpuarray.to_gpu(data))
	assert gpuarray.isArray(out) and out.shape == (23, 3)
	assert np.allclose(out.get(), expected, atol=1e-6)


def test_integerLabelsAreStagedAsInt32(rng):
	data, target = makeData(rng)
	net = makeNet()
	cost = RecordingCost()
	Trainer(net, cost, SGD(0.01).setupOn(net), batchsize=8, progress=False).trainFromHost(data, target.astype(np.int64))
	assert all(b.dtype == np.int32 for b in cost.batches)


@pytest.mark.parametrize("per, expected", [("step", 0.1 * 0.5 ** 6), ("epoch", 0.1 * 0.5 ** 2)])
def test_schedulesStepPerBatchOrPerEpoch(rng, per, expected):
	from framework.Optimizers.Schedules import ExponentialDecay

	data, target = makeData(rng, size=10)
	net = makeNet()
	optimizer = SGD(0.1).setupOn(net)
	trainer = Trainer(net, CrossEntropy(), optimizer, batchsize=4, schedule=ExponentialDecay(0.5, per=per), progress=False)
	trainer.trainFromHost(data, target, epochs=2)  # 3 batches per epoch
	assert optimizer.learnRate == pytest.approx(expected, rel=1e-12)

	with pytest.raises(ValueError, match="another optimizer"):
		Trainer(net, CrossEntropy(), SGD(0.1).setupOn(net), schedule=trainer.schedule)


def test_badInput(rng):
	data, target = makeData(rng)
	net = makeNet()
	trainer = Trainer(net, CrossEntropy(), SGD(0.01).setupOn(net), progress=False)
	with pytest.raises(ValueError, match="Trainer: batchsize must be a positive int"):
		Trainer(net, CrossEntropy(), SGD(0.01), batchsize=0)
	with pytest.raises(ValueError, match="23 samples but target has 22"):
		trainer.trainFromHost(data, target[:22])
	with pytest.raises(TypeError, match="use trainFromHost"):
		trainer.train(data, target)
	with pytest.raises(TypeError, match="expected numpy arrays"):
		Validator(net, CrossEntropy()).validateFromHost(gpuarray.to_gpu(data), gpuarray.to_gpu(target))
	with pytest.raises(ValueError, match="at least one sample"):
		Calculator(net).calcFromHost(data[:0])


def test_progressBarOnlyOnATerminal(rng, monkeypatch):
	tqdm = pytest.importorskip("tqdm")
	data, target = makeData(rng)
	net = makeNet()
	trainer = Trainer(net, CrossEntropy(), SGD(0.01).setupOn(net), batchsize=8)

	monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
	assert isinstance(trainer.progressBar(range(3), "x"), range)

	monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
	assert isinstance(trainer.progressBar(range(3), "x"), tqdm.tqdm)
	trainer.progress = False
	assert isinstance(trainer.progressBar(range(3), "x"), range)

	trainer.progress = True
	monkeypatch.setitem(__import__("sys").modules, "tqdm", None)  # tqdm is optional
	assert isinstance(trainer.progressBar(range(3), "x"), range)
	trainer.trainFromHost(data, target)
