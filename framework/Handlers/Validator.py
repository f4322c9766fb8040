"""Evaluates a net on a data set in eval mode: the mean cost and the cost's metric."""
from framework.Handlers.Handler import Handler


class Validator(Handler):
	"""Validator(net, cost, batchsize=128, progress=False).

	validate(data, target) / validateFromHost(data, target) -> (error, metric): the
	per-sample mean of the cost and of cost.validate() (error rate for classifiers).
	Each call appends {"loss", "metric", "seconds"} to history. The net runs in
	eval mode and is put back into the mode it was in.
	"""

	def __init__(self, net, cost, batchsize=128, progress=False):
		super().__init__(net, batchsize, progress)
		self.cost = cost


	def validate(self, data, target):
		self.checkPair(data, target, True, "validate")
		return self.run(((data[a:b], target[a:b]) for a, b in self.batchRanges(data.shape[0])), data.shape[0])


	def validateFromHost(self, data, target):
		self.checkPair(data, target, False, "validate")
		batches = (
			(self.stage("data", data[a:b]), self.stage("target", target[a:b])) for a, b in self.batchRanges(data.shape[0])
		)
		return self.run(batches, data.shape[0])


	def run(self, batches, size):
		wasTraining = self.net.train
		self.net.evalMode()
		start = self.clock()

		totalError, totalMetric = 0.0, 0.0
		try:
			for data, target in self.progressBar(batches, "validate", len(self.batchRanges(size))):
				pred = self.net(data)
				error, _ = self.cost(pred, target)
				totalError += float(error) * data.shape[0]
				totalMetric += float(self.cost.validate(pred, target)) * data.shape[0]
		finally:
			if wasTraining:
				self.net.trainMode()

		result = (totalError / size, totalMetric / size)
		self.history.append({"loss": result[0], "metric": result[1], "seconds": self.clock() - start})
		return result
