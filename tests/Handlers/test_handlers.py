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


# --- labels checked once per call on the host, in the user's array --------------------------------------------

def weightsOf(net):
	return [var.data.get().copy() for var in net.getVarTable()]


@pytest.mark.parametrize("dtype, bad", [(np.int64, 2 ** 33), (np.uint32, 4294967295), (np.int64, -1), (np.int32, 3)])
def test_badLabelIsNamedAtItsIndexInTheUserArrayBeforeAnyStep(rng, dtype, bad):
	data, target = makeData(rng)
	target = target.astype(dtype)
	target[17] = bad
	net = makeNet()
	before = weightsOf(net)
	trainer = Trainer(net, CrossEntropy(), SGD(0.1).setupOn(net), batchsize=4, progress=False)

	with pytest.raises(ValueError, match=r"CrossEntropy: labels must lie in \[0, 3\), got %d at index 17 of the target array" % bad):
		trainer.trainFromHost(data, target, shuffle=True)
	assert all(np.array_equal(a, b) for a, b in zip(before, weightsOf(net)))  # refused before the first step
	assert trainer.optimizer.t == 0

	with pytest.raises(ValueError, match="at index 17 of the target array"):
		Validator(net, CrossEntropy(), batchsize=4).validateFromHost(data, target)


def test_badLabelOnTheDeviceIsNamedToo(rng):
	data, target = makeData(rng)
	target[9] = 7
	net = makeNet()
	trainer = Trainer(net, CrossEntropy(), SGD(0.1).setupOn(net), batchsize=4, progress=False)
	with pytest.raises(ValueError, match=r"got 7 at index 9 of the target array"):
		trainer.train(gpuarray.to_gpu(data), gpuarray.to_gpu(target))
	assert trainer.optimizer.t == 0
	with pytest.raises(ValueError, match=r"got 7 at index 9 of the target array"):
		Validator(net, CrossEntropy(), batchsize=4).validate(gpuarray.to_gpu(data), gpuarray.to_gpu(target))


def test_floatLabelsForAClassifierAreRefused(rng):
	data, target = makeData(rng)
	net = makeNet()
	trainer = Trainer(net, CrossEntropy(), SGD(0.1).setupOn(net), batchsize=4, progress=False)
	with pytest.raises(TypeError, match="CrossEntropy: expected integer labels, got float64"):
		trainer.trainFromHost(data, target.astype(np.float64))


# --- batch size larger than the data -------------------------------------------------------------------------

def test_hugeBatchsizeIsClampedToTheData(rng):
	data, target = makeData(rng)
	results = []
	for batchsize in (10 ** 10, 23):
		Config.setSeed(3)
		net = makeNet()
		trainer = Trainer(net, CrossEntropy(), SGD(0.1).setupOn(net), batchsize=batchsize, progress=False)
		trainer.trainFromHost(data, target, epochs=2)
		assert trainer.optimizer.t == 2  # one batch of the whole data per epoch
		assert all(buf.shape[0] == 23 for buf in trainer.buffers.values())
		results.append(weightsOf(net))
		validator = Validator(net, CrossEntropy(), batchsize=batchsize)
		results.append(validator.validateFromHost(data, target))
		assert all(buf.shape[0] == 23 for buf in validator.buffers.values())
		results.append(Calculator(net, batchsize=batchsize).calcFromHost(data))

	for a, b in zip(results[:3], results[3:]):
		assert np.array_equal(np.concatenate([np.ravel(x) for x in a]), np.concatenate([np.ravel(x) for x in b]))


@pytest.mark.parametrize("batchsize", [True, 0, -3, 2.0, "8"])
def test_batchsizeMustBeAPositiveInt(batchsize):
	with pytest.raises(ValueError, match="Trainer: batchsize must be a positive int"):
		Trainer(makeNet(), CrossEntropy(), SGD(0.1), batchsize=batchsize)


# --- no read-back per step -------------------------------------------------------------------------------------

def countReads(monkeypatch):
	calls = []
	ArrayType = gpuarray.GPUArrayType()
	original = ArrayType.get

	def countingGet(self, *args, **kwargs):
		calls.append(self.shape)
		return original(self, *args, **kwargs)

	monkeypatch.setattr(ArrayType, "get", countingGet)
	return calls


@pytest.mark.parametrize("onDevice", [False, True])
def test_trainAndValidateReadTheDeviceOncePerEpochNotPerBatch(rng, monkeypatch, onDevice):
	data, target = makeData(rng, size=64)
	reads = {}
	for batchsize in (32, 4):  # 2 and 16 batches
		net = makeNet()
		trainer = Trainer(net, CrossEntropy(), SGD(0.1).setupOn(net), batchsize=batchsize, progress=False)
		validator = Validator(net, CrossEntropy(), batchsize=batchsize)
		calls = countReads(monkeypatch)
		if onDevice:
			trainer.train(gpuarray.to_gpu(data), gpuarray.to_gpu(target), epochs=3)
			validator.validate(gpuarray.to_gpu(data), gpuarray.to_gpu(target))
		else:
			trainer.trainFromHost(data, target, epochs=3)
			validator.validateFromHost(data, target)
		reads[batchsize] = len(calls)
		monkeypatch.undo()
	assert reads[4] == reads[32]
	assert reads[4] <= 2 * 3 + 2 + 2  # loss and metric per epoch and per validation, the labels once per call


def test_epochLossAndMetricEqualTheBatchMeans(rng):
	data, target = makeData(rng)
	net = makeNet()
	cost = RecordingCost()
	trainer = Trainer(net, CrossEntropy(), SGD(0.0).setupOn(net), batchsize=5, progress=False)
	trainer.trainFromHost(data, target, shuffle=False)

	expectLoss, expectMetric = 0.0, 0.0
	for a in range(0, 23, 5):
		x, y = gpuarray.to_gpu(data[a:a + 5]), gpuarray.to_gpu(target[a:a + 5])
		error, _ = cost(net(x), y)
		expectLoss += error * x.shape[0]
		expectMetric += cost.validate(net(x), y) * x.shape[0]
	assert trainer.history[-1]["loss"] == pytest.approx(expectLoss / 23, rel=1e-12)
	assert trainer.history[-1]["metric"] == pytest.approx(expectMetric / 23, rel=1e-12)


def test_anOptimizerThatNeedsTheErrorStillGetsItEveryStep(rng):
	from framework.Optimizers import Rprop

	data, target = makeData(rng)
	net = makeNet()
	optimizer = Rprop(variant="iRprop+").setupOn(net)
	trainer = Trainer(net, CrossEntropy(), optimizer, batchsize=23, progress=False)
	trainer.trainFromHost(data, target, epochs=3, shuffle=False)
	assert optimizer.prevError == pytest.approx(trainer.history[-1]["loss"], rel=1e-12)


# --- several inputs --------------------------------------------------------------------------------------------

def makeTwoInputNet():
	from framework.Containers import Graph
	from framework.Modules import Add

	left, right = Linear(6, 8).node(), Linear(4, 8).node()
	out = Linear(8, 3).node(Activation("relu").node(Add().node(left, right)))
	return Graph([left, right], out)


def makeTwoInputData(rng, size=23):
	left, target = makeData(rng, size)
	return [left, rng.standard_normal((size, 4)).astype(np.float32)], target


@pytest.mark.parametrize("onDevice", [False, True])
def test_aTwoInputGraphTrainsValidatesAndCalculates(rng, onDevice):
	inputs, target = makeTwoInputData(rng)
	Config.setSeed(5)
	net = makeTwoInputNet()
	Config.setSeed(5)
	reference = makeTwoInputNet()

	trainer = Trainer(net, CrossEntropy(), SGD(0.1).setupOn(net), batchsize=5, progress=False)
	if onDevice:
		trainer.train([gpuarray.to_gpu(x) for x in inputs], gpuarray.to_gpu(target), epochs=2)
	else:
		trainer.trainFromHost(inputs, target, epochs=2, shuffle=False)

	# The same steps by hand
	optimizer, cost = SGD(0.1).setupOn(reference), CrossEntropy()
	for _ in range(2):
		for a in range(0, 23, 5):
			optimizer.zeroGradParams()
			_, grad = cost(reference([gpuarray.to_gpu(x[a:a + 5]) for x in inputs]), gpuarray.to_gpu(target[a:a + 5]))
			reference.backward(grad)
			optimizer.update()
	for a, b in zip(weightsOf(net), weightsOf(reference)):
		assert np.allclose(a, b, atol=1e-6)

	whole = [gpuarray.to_gpu(x) for x in inputs]
	expected = net(whole).get()
	if onDevice:
		out = Calculator(net, batchsize=4).calc(whole).get()
		loss, metric = Validator(net, CrossEntropy(), batchsize=4).validate(whole, gpuarray.to_gpu(target))
	else:
		out = Calculator(net, batchsize=4).calcFromHost(inputs)
		loss, metric = Validator(net, CrossEntropy(), batchsize=4).validateFromHost(inputs, target)
	assert np.allclose(out, expected, atol=1e-6)
	assert metric == pytest.approx(np.mean(expected.argmax(axis=1) != target))
	assert loss == pytest.approx(float(CrossEntropy()(net(whole), gpuarray.to_gpu(target))[0]), rel=1e-5)


def test_inputsOfDifferentLengthsAreRefused(rng):
	inputs, target = makeTwoInputData(rng)
	net = makeTwoInputNet()
	trainer = Trainer(net, CrossEntropy(), SGD(0.1).setupOn(net), progress=False)
	with pytest.raises(ValueError, match="Trainer.trainFromHost: every input needs the same number of samples: input 0 has 23, input 1 has 22"):
		trainer.trainFromHost([inputs[0], inputs[1][:22]], target)
	with pytest.raises(ValueError, match="Calculator.calc: every input needs the same number of samples"):
		Calculator(net).calc([gpuarray.to_gpu(inputs[0]), gpuarray.to_gpu(inputs[1][:22])])
	with pytest.raises(TypeError, match=r"Validator.validateFromHost: expected numpy arrays, got \w+ as input 1"):
		Validator(net, CrossEntropy()).validateFromHost([inputs[0], gpuarray.to_gpu(inputs[1])], target)
	with pytest.raises(ValueError, match="Trainer.trainFromHost: expected at least one data array"):
		trainer.trainFromHost([], target)


def test_aNetWithSeveralOutputsGetsTheCostsOwnError(rng):
	from framework.Containers import Graph
	from framework.Modules import Replicate

	first = Linear(6, 3).node()
	copies = Replicate(2).node(first)
	net = Graph(first, [(copies, 0), (copies, 1)])
	data, target = makeData(rng)
	trainer = Trainer(net, CrossEntropy(), SGD(0.1).setupOn(net), progress=False)
	with pytest.raises(TypeError, match="CrossEntropy: expected a device array as prediction, got list"):
		trainer.trainFromHost(data, target.astype(np.int64))
