"""Evaluates a net on a data set in eval mode: the mean cost and the cost's metric."""
from framework.Handlers.Handler import Handler


class Validator(Handler):
	"""Validator(net, cost, batchsize=128, progress=False).

	validate(data, target) / validateFromHost(data, target) -> (error, metric): the
	per-sample mean of the cost and of cost.validate() (error rate for classifiers), accumulated on the device and
	read once per call. Data is an array or a list of arrays, one per net input. Each call appends {"loss",
	"metric", "seconds"} to history. The net runs in eval mode and is put back into the mode it was in.

	With a nodeinfo of several ranks (framework.Distributed) every rank is given the same data and evaluates its
	share of the rows; the net's float attributes (BatchNorm running statistics) are first averaged over the
	ranks, and every rank returns the loss and metric over all rows.
	"""

	def __init__(self, net, cost, batchsize=128, progress=False, nodeinfo=None):
		super().__init__(net, batchsize, progress)
		self.cost = cost
		self.nodeinfo = nodeinfo


	def validate(self, data, target):
		arrays, size = self.checkInputs(data, target, True, "validate")
		wasList = isinstance(data, (list, tuple))
		batches = ((self.netInput([ary[a:b] for ary in arrays], wasList), target[a:b]) for a, b in self.rowBatches(size))
		return self.run(batches, size, target.get())


	def validateFromHost(self, data, target):
		arrays, size = self.checkInputs(data, target, False, "validate")
		wasList = isinstance(data, (list, tuple))
		batches = (
			(self.netInput(self.stageInputs(arrays, slice(a, b)), wasList), self.stage("target", target[a:b]))
			for a, b in self.rowBatches(size)
		)
		return self.run(batches, size, target)


	def run(self, batches, size, hostTarget):
		distributed = self.nodeinfo is not None and self.nodeinfo.size > 1
		if distributed:
			self.nodeinfo.averageAttributes(self.net)
		wasTraining = self.net.train
		self.net.evalMode()
		self.cost.resetAccumulator()
		start = self.clock()

		try:
			for data, target in self.progressBar(batches, "validate", len(self.rowBatches(size))):
				pred = self.net(data)
				if hostTarget is not None:  # the call's labels, checked once on the host with the first prediction
					self.cost.checkHostTarget(hostTarget, pred)
					hostTarget = None
				self.cost(pred, target, queryError=False)
				self.cost.validate(pred, target, queryValue=False)
		finally:
			if wasTraining:
				self.net.trainMode()

		result = (self.cost.getMeanError(), self.cost.getMeanValue())
		if distributed:
			result = tuple(self.nodeinfo.meanOverRows(value, self.cost.totalSamples) for value in result)
		self.history.append({"loss": result[0], "metric": result[1], "seconds": self.clock() - start})
		return result
