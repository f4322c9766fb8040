"""Trains a net for whole epochs: forward, cost, backward, optimizer step per batch."""
import numpy as np

from framework import Config
from framework.Handlers.Handler import Handler


class Trainer(Handler):
	"""Trainer(net, cost, optimizer, batchsize=128, schedule=None, progress=True, computeMetric=True).

	Each batch: optimizer.zeroGradParams(); error, grad = cost(net(x), y); net.backward(grad);
	optimizer.update(error=error); schedule.onStep(). After each epoch schedule.onEpoch() and
	history gets {"epoch", "loss", "metric", "seconds"}: loss is the per-sample mean of the
	cost over the epoch, metric the cost's validate() (error rate for classifiers), or None
	when computeMetric=False. A schedule not yet set up is set up on the optimizer.
	"""

	def __init__(self, net, cost, optimizer, batchsize=128, schedule=None, progress=True, computeMetric=True):
		super().__init__(net, batchsize, progress)
		self.cost, self.optimizer, self.schedule = cost, optimizer, schedule
		self.computeMetric = computeMetric
		self.epoch = 0

		if schedule is not None:
			if schedule.optimizer is None:
				schedule.setupOn(optimizer)
			elif schedule.optimizer is not optimizer:
				raise ValueError("Trainer: the schedule is set up on another optimizer than the one given")


	def trainStep(self, data, target):
		"""One optimizer step on one device batch; returns (error, metric or None)."""
		self.optimizer.zeroGradParams()
		pred = self.net(data)
		error, grad = self.cost(pred, target)
		metric = self.cost.validate(pred, target) if self.computeMetric else None

		self.net.backward(grad)
		self.optimizer.update(error=error)
		if self.schedule is not None:
			self.schedule.onStep()
		return error, metric


	def train(self, data, target, epochs=1):
		"""Trains on device arrays, batches in stored order (shuffle on the host: trainFromHost); returns the last epoch's loss."""
		self.checkPair(data, target, True, "train")
		for _ in range(epochs):
			batches = ((data[a:b], target[a:b]) for a, b in self.batchRanges(data.shape[0]))
			self.runEpoch(batches, data.shape[0])
		return self.history[-1]["loss"]


	def trainFromHost(self, data, target, epochs=1, shuffle=True):
		"""Trains on numpy arrays, streamed through device buffers; each epoch draws a fresh permutation from Config.hostRng()."""
		self.checkPair(data, target, False, "train")
		size = data.shape[0]

		for _ in range(epochs):
			order = Config.hostRng().permutation(size) if shuffle else np.arange(size)
			batches = (
				(self.stage("data", data[order[a:b]]), self.stage("target", target[order[a:b]]))
				for a, b in self.batchRanges(size)
			)
			self.runEpoch(batches, size)
		return self.history[-1]["loss"]


	def runEpoch(self, batches, size):
		self.net.trainMode()
		self.cost.resetAccumulator()
		start = self.clock()

		totalError, totalMetric = 0.0, 0.0
		for data, target in self.progressBar(batches, "epoch %d" % (self.epoch + 1), len(self.batchRanges(size))):
			error, metric = self.trainStep(data, target)
			totalError += float(error) * data.shape[0]
			totalMetric += float(metric) * data.shape[0] if metric is not None else 0.0

		if self.schedule is not None:
			self.schedule.onEpoch()
		self.epoch += 1

		self.history.append({
			"epoch": self.epoch, "loss": totalError / size,
			"metric": totalMetric / size if self.computeMetric else None,
			"seconds": self.clock() - start
		})
		return self.history[-1]
