"""Trains a net for whole epochs: forward, cost, backward, optimizer step per batch."""
import hashlib

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

	Data-parallel (the optimizer has a nodeinfo of several ranks, framework.Distributed): every rank is given the
	same data and draws the same shuffle; each global batch of `batchsize` rows is split across the ranks (shards
	differ by at most one row) and each rank's gradient is weighted by its share of rows, so the averaged step
	equals the single-process step on the whole batch. The epoch's loss and metric are reduced over the ranks.
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


	def trainStep(self, data, target, query=True, weight=1.0):
		"""One optimizer step on one device batch; returns (error, metric or None), or nothing with query=False.

		With query=False the error and the metric only go to the cost's device accumulators: nothing is read back
		(unless the optimizer needs the error). `weight` scales this batch's gradient (and error): a data-parallel
		rank's share of the global batch times the number of ranks; data None is an empty shard (no gradient).
		"""
		self.optimizer.zeroGradParams()
		if data is None:
			self.optimizer.update(error=0.0 if self.optimizer.needsError else None)
			if self.schedule is not None:
				self.schedule.onStep()
			return (None, None) if query else None

		pred = self.net(data)
		if self.pendingTarget is not None:  # the call's labels, checked before its first step changes anything
			hostTarget, self.pendingTarget = self.pendingTarget, None
			self.cost.checkHostTarget(hostTarget, pred)

		needsError = query or self.optimizer.needsError
		result = self.cost(pred, target, queryError=needsError)
		error, grad = result if needsError else (None, result)
		metric = self.cost.validate(pred, target, queryValue=query) if self.computeMetric else None

		if weight != 1.0:
			grad *= weight  # backward is linear in the output gradient, so every parameter gradient is scaled alike
			error = None if error is None else error * weight
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
				(self.netInput([ary[lo:hi] for ary in arrays], wasList), target[lo:hi], weight) if hi > lo else (None, None, weight)
				for lo, hi, weight in self.shards(range(size))
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
			if shuffle and self.nodeinfo() is not None:
				# Ranks seeded differently would train on overlapping shards without a word
				self.nodeinfo().checkSameOnAllRanks(
					"Trainer.trainFromHost", "the shuffles (seed every rank alike: Config.setSeed)", [hashlib.sha256(order).hexdigest()]
				)
			batches = (
				(self.netInput(self.stageInputs(arrays, order[lo:hi]), wasList), self.stage("target", target[order[lo:hi]]), weight)
				if hi > lo else (None, None, weight)
				for lo, hi, weight in self.shards(order)
			)
			self.runEpoch(batches, size)
		return self.history[-1]["loss"]


	def nodeinfo(self):
		"""The optimizer's NodeInfo when training runs on several ranks, else None."""
		node = getattr(self.optimizer, "nodeinfo", None)
		return node if node is not None and node.size > 1 else None


	def shards(self, rows):
		"""(start, stop, weight) of this rank's rows in each global batch of `rows` (an index array or a range).

		A single process takes every batch whole with weight 1. A rank of a data-parallel job takes its shard of
		each batch (start == stop when a batch has fewer rows than there are ranks) with weight
		shard rows x ranks / batch rows, which makes the mean over ranks the gradient of the whole batch.
		"""
		node = self.nodeinfo()
		for a, b in self.batchRanges(len(rows)):
			if node is None:
				yield a, b, 1.0
			else:
				lo, hi = node.shard(b - a)
				yield a + lo, a + hi, (hi - lo) * node.size / (b - a)


	def runEpoch(self, batches, size):
		self.net.trainMode()
		self.cost.resetAccumulator()
		start = self.clock()

		try:
			for data, target, weight in self.progressBar(batches, "epoch %d" % (self.epoch + 1), len(self.batchRanges(size))):
				self.trainStep(data, target, query=False, weight=weight)
		finally:
			self.pendingTarget = None

		if self.schedule is not None:
			self.schedule.onEpoch()
		self.epoch += 1

		loss, metric = self.cost.getMeanError(), self.cost.getMeanValue() if self.computeMetric else None
		node = self.nodeinfo()
		if node is not None:
			loss, metric = node.meanOverRows(loss, self.cost.totalSamples), node.meanOverRows(metric, self.cost.valSamples)
		self.history.append({"epoch": self.epoch, "loss": loss, "metric": metric, "seconds": self.clock() - start})
		return self.history[-1]
