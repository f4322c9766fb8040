"""`python -m framework train`: trains one net, checkpoints every epoch, writes history.csv and a plot."""
import csv
import inspect
import os

from framework import Config
from framework.Cli import Args, Plot, Processes
from framework.Cli.CliError import CliError
from framework.Cli.Data import loadData
from framework.Cli.Nets import buildNet

DEFAULT_OPTIMIZER = "RMSProp"
DEFAULT_EPOCHS = 30
DEFAULT_BATCH = 32

DEFAULT_SCHEDULE = "cosine"

CHECKPOINT, HISTORY, PLOT = "checkpoint.h5", "history.csv", "training.png"
COLUMNS = ("epoch", "train_loss", "train_acc", "test_loss", "test_acc", "learn_rate", "seconds")


def addParser(sub):
	parser = sub.add_parser("train", help="train one net and report its test accuracy",
		description="Train a net on digits (default) or MNIST; writes checkpoint.h5, history.csv and training.png to --out.")
	Args.addCommon(parser, DEFAULT_EPOCHS, DEFAULT_BATCH, "out")
	parser.add_argument("--optimizer", default=DEFAULT_OPTIMIZER, metavar="NAME",
		help="optimizer class from framework.Optimizers (default: %s)" % DEFAULT_OPTIMIZER)
	parser.add_argument("--opt", action="append", metavar="KEY=VALUE",
		help="optimizer hyperparameter, repeatable (e.g. --opt learnRate=1e-3 --opt variant=iRprop+)")
	parser.add_argument("--schedule", choices=Args.SCHEDULES, default=DEFAULT_SCHEDULE,
		help=Args.SCHEDULE_HELP + " (default: %s)" % DEFAULT_SCHEDULE)
	parser.add_argument("--resume", action="store_true", help="continue from --out/checkpoint.h5 up to --epochs")
	parser.set_defaults(run=run)


class Run:
	"""One training run: data, net, optimizer, schedule and the handlers, built from parsed arguments."""

	def __init__(self, args, optimizerName, opts, data=None, nodeinfo=None):
		from framework.Cost import CrossEntropy
		from framework.Handlers import Trainer, Validator

		self.xTrain, self.yTrain, self.xTest, self.yTest, inshape = data if data is not None else loadData(args)

		# Reseeding before building makes every run of the same seed start from the same weights and shuffles
		Config.setSeed(args.seed)
		self.net = buildNet(args.net, inshape)
		self.optimizer = Args.makeOptimizer(optimizerName, opts, tuned=True)
		self.optimizer.nodeinfo = nodeinfo  # data-parallel when mpiexec started several processes (Processes.launchNode)
		self.optimizer.setupOn(self.net, useGlobalState=args.global_state)

		stepsPerEpoch = -(-self.xTrain.shape[0] // args.batch_size)
		self.schedule = Args.makeSchedule(getattr(args, "schedule", "none"), args.epochs, stepsPerEpoch)
		if self.schedule is not None:
			self.schedule.setupOn(self.optimizer)

		self.cost = CrossEntropy()
		progress = Args.progressDefault(args)
		self.trainer = Trainer(self.net, self.cost, self.optimizer, args.batch_size, self.schedule, progress)
		# Validating in training-sized batches keeps every product small: one large multi-threaded product between
		# epochs left the BLAS and OpenMP thread pools contending and slowed the next epoch about 2x on 2 cores
		self.validator = Validator(self.net, CrossEntropy(), batchsize=args.batch_size, progress=False, nodeinfo=nodeinfo)
		self.history = []


	def epoch(self):
		"""Trains one epoch, validates on the test set, appends and returns the history row."""
		learnRate = self.optimizer.learnRate
		self.trainer.trainFromHost(self.xTrain, self.yTrain)
		record = self.trainer.history[-1]
		testLoss, testErr = self.validator.validateFromHost(self.xTest, self.yTest)

		row = {
			"epoch": len(self.history) + 1, "train_loss": record["loss"], "train_acc": 1.0 - record["metric"],
			"test_loss": testLoss, "test_acc": 1.0 - testErr, "learn_rate": learnRate, "seconds": record["seconds"]
		}
		self.history.append(row)
		return row


@Processes.endJobOnError
def run(args):
	from framework.Handlers import loadCheckpoint, saveCheckpoint

	node = Processes.launchNode()  # before the first array: on CUDA it picks this rank's GPU
	say = print if Processes.isRoot(node) else (lambda *a, **k: None)  # rank 0 alone prints and writes
	opts = Args.parseOpts(args.opt)
	session = Run(args, args.optimizer, opts, nodeinfo=node)
	os.makedirs(args.out, exist_ok=True)
	checkpoint = os.path.join(args.out, CHECKPOINT)

	if args.resume:
		if not os.path.exists(checkpoint):
			raise CliError("--resume: no checkpoint at %r" % checkpoint)
		session.trainer.epoch = loadCheckpoint(checkpoint, session.net, session.optimizer, session.schedule, session.history)
		say("resumed from %s at epoch %d" % (checkpoint, session.trainer.epoch))

	say("training %s (%d parameters) on %s (%d train / %d test) with %s, %s schedule, %d epochs, batch %d%s" % (
		args.net, session.net.numOfParams(), args.dataset, session.xTrain.shape[0], session.xTest.shape[0],
		describe(session.optimizer), args.schedule, args.epochs, args.batch_size, Processes.describeProcesses(node)
	))

	while len(session.history) < args.epochs:
		row = session.epoch()
		saveCheckpoint(checkpoint, session.net, session.optimizer, session.schedule, row["epoch"], session.history)
		say("epoch %3d  loss %.4f  train acc %6.2f%%  test loss %.4f  test acc %6.2f%%  %.2fs" % (
			row["epoch"], row["train_loss"], 100 * row["train_acc"], row["test_loss"], 100 * row["test_acc"], row["seconds"]
		))

	if Processes.isRoot(node):
		writeHistory(os.path.join(args.out, HISTORY), session.history)
		Plot.plotTraining(session.history, os.path.join(args.out, PLOT), "%s on %s, %s" % (args.net, args.dataset, args.optimizer))

	final = session.history[-1]
	total = sum(row["seconds"] for row in session.history)
	say("test accuracy: %.2f%% after %d epoch%s (%.1fs training, %.3fs per epoch)" % (
		100 * final["test_acc"], final["epoch"], "s" * (final["epoch"] != 1), total, total / len(session.history)
	))
	say("wrote %s, %s, %s in %s" % (CHECKPOINT, HISTORY, PLOT, args.out))
	return 0


def describe(optimizer):
	"""Class name with the hyperparameters that differ from the class defaults (learnRate always)."""
	defaults = {name: p.default for name, p in inspect.signature(type(optimizer).__init__).parameters.items()}
	shown = [
		"%s=%s" % (name, value) for name, value in optimizer.getHyperparameters().items()
		if name == "learnRate" or defaults.get(name, inspect.Parameter.empty) != value
	]
	return "%s(%s)" % (type(optimizer).__name__, ", ".join(shown))


def writeHistory(path, history):
	with open(path, "w", newline="") as f:
		writer = csv.DictWriter(f, fieldnames=COLUMNS)
		writer.writeheader()
		for row in history:
			writer.writerow({key: row[key] for key in COLUMNS})
