"""Trains a net for whole epochs: forward, cost, backward, optimizer step per batch."""
import numpy as np

from framework import Config
from framework.Handlers.Handler import Handler


class Trainer(Handler):
	"""Trainer(net, cost, optimizer, batchsize=128, schedule=None, progress=True, computeMetric=True).

	Each batch: optimizer.zeroGradParams(); grad = cost(net(x), y); net.backward(grad); optimizer.update();
	schedule.onStep(). After each epoch schedule.onEpoch() and history gets {"epoch", "loss", "metric",
	"seconds"}: loss is the per-sample mean of the cost over the epoch, metric the cost's validate() (error rate
	for classifiers), or None when computeMetric=False. Both accumulate on the device and are read once per
	epoch; only an optimizer that needs every step's error (optimizer.needsError, Rprop's iRprop+) reads it per
	step. Data is an array or a list of arrays, one per net input. A schedule not yet set up is set up on the
	optimizer.
	"""

	def __init__(self, net, cost, optimizer, batchsize=128, schedule=None, progress=True, computeMetric=True):
		super().__init__(net, batchsize, progress)
		self.cost, self.optimizer, self.schedule = cost, optimizer, schedule
		self.computeMetric = computeMetric
		self.epoch = 0
		self.pendingTarget = None

		if schedule is not None:
			if schedule.optimizer is None:
				schedule.setupOn(optimizer)
			elif schedule.optimizer is not optimizer:
				raise ValueError("Trainer: the schedule is set up on another optimizer than the one given")


	def trainStep(self, data, target, query=True):
		"""One optimizer step on one device batch; returns (error, metric or None), or nothing with query=False.

		With query=False the error and the metric only go to the cost's device accumulators: nothing is read back
		(unless the optimizer needs the error).
		"""
		self.optimizer.zeroGradParams()
		pred = self.net(data)
		if self.pendingTarget is not None:  # the call's labels, checked before its first step changes anything
			hostTarget, self.pendingTarget = self.pendingTarget, None
			self.cost.checkHostTarget(hostTarget, pred)

		needsError = query or self.optimizer.needsError
		result = self.cost(pred, target, queryError=needsError)
		error, grad = result if needsError else (None, result)
		metric = self.cost.validate(pred, target, queryValue=query) if self.computeMetric else None

		self.net.backward(grad)
		self.optimizer.update(error=error)
		if self.schedule is not None:
			self.schedule.onStep()
		return (error, metric) if query else None


	def train(self, data, target, epochs=1):
		"""Trains on device arrays, batches in stored order (shuffle on the host: trainFromHost); returns the last epoch's loss."""
		arrays, size = self.checkInputs(data, target, True, "train")
		wasList = isinstance(data, (list, tuple))
		self.pendingTarget = target.get()
		for _ in range(epochs):
			batches = (
				(self.netInput([ary[a:b] for ary in arrays], wasList), target[a:b]) for a, b in self.batchRanges(size)
			)
			self.runEpoch(batches, size)
		return self.history[-1]["loss"]


	def trainFromHost(self, data, target, epochs=1, shuffle=True):
		"""Trains on numpy arrays, streamed through device buffers; each epoch draws a fresh permutation from Config.hostRng()."""
		arrays, size = self.checkInputs(data, target, False, "train")
		wasList = isinstance(data, (list, tuple))
		self.pendingTarget = target

		for _ in range(epochs):
			order = Config.hostRng().permutation(size) if shuffle else np.arange(size)
			batches = (
				(self.netInput(self.stageInputs(arrays, order[a:b]), wasList), self.stage("target", target[order[a:b]]))
				for a, b in self.batchRanges(size)
			)
			self.runEpoch(batches, size)
		return self.history[-1]["loss"]


	def runEpoch(self, batches, size):
		self.net.trainMode()
		self.cost.resetAccumulator()
		start = self.clock()

		try:
			for data, target in self.progressBar(batches, "epoch %d" % (self.epoch + 1), len(self.batchRanges(size))):
				self.trainStep(data, target, query=False)
		finally:
			self.pendingTarget = None

		if self.schedule is not None:
			self.schedule.onEpoch()
		self.epoch += 1

		self.history.append({
			"epoch": self.epoch, "loss": self.cost.getMeanError(),
			"metric": self.cost.getMeanValue() if self.computeMetric else None,
			"seconds": self.clock() - start
		})
		return self.history[-1]
