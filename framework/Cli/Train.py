"""`python -m framework train`: trains one net, checkpoints every epoch, writes history.csv and a plot."""
import csv
import json
import math
import os

import numpy as np

from framework import Config
from framework.Backend import Compilation
from framework.Cli import Args, Plot, Processes, Sequences
from framework.Cli.CliError import CliError
from framework.Cli.Data import batchText, loadData
from framework.Cli.DivergedError import DivergedError
from framework.Cost import CrossEntropy
from framework.Handlers import Trainer, Validator, loadCheckpoint, readCheckpointInfo, saveCheckpoint
from framework.Models.Nets import MLP_HIDDEN, buildNet

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
	parser.add_argument("--schedule", type=Args.choice(Args.SCHEDULES), default=DEFAULT_SCHEDULE, metavar=Args.SCHEDULE_METAVAR,
		help=Args.SCHEDULE_HELP + " (default: %s)" % DEFAULT_SCHEDULE)
	parser.add_argument("--resume", action="store_true",
		help="continue from --out/checkpoint.h5 up to --epochs, with the options of the first run (the schedule is stretched to --epochs)")
	Sequences.addOptions(parser)
	parser.set_defaults(run=run)


class Run:
	"""One training run: data, net, optimizer, schedule and the handlers, built from parsed arguments."""

	def __init__(self, args, optimizerName, opts, data=None, nodeinfo=None):
		self.xTrain, self.yTrain, self.xTest, self.yTest, inshape = data if data is not None else loadData(args)

		# Reseeding before building makes every run of the same seed start from the same weights and shuffles
		Config.setSeed(args.seed)
		self.architecture = architectureOf(args.net, inshape)
		self.net = buildNet(**self.architecture)
		self.optimizer = Args.makeOptimizer(optimizerName, opts, tuned=True)
		Sequences.addClipping(self.optimizer, args)
		self.optimizer.nodeinfo = nodeinfo  # data-parallel when mpiexec started several processes (Processes.launchNode)
		self.optimizer.setupOn(self.net, useGlobalState=args.global_state)

		self.stepsPerEpoch = -(-self.xTrain.shape[0] // args.batch_size)
		self.schedule = Args.makeSchedule(getattr(args, "schedule", "none"), args.epochs, self.stepsPerEpoch)
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
		"""Trains one epoch, validates on the test set, appends and returns the history row.

		A non-finite training loss or weight is a DivergedError naming the epoch; that epoch joins no history."""
		learnRate = self.optimizer.learnRate
		compiling = Compilation.compileSeconds()
		self.trainer.trainFromHost(self.xTrain, self.yTrain)
		compiling = Compilation.compileSeconds() - compiling  # first-run kernel compiles are not training time
		record = self.trainer.history[-1]
		epoch = len(self.history) + 1
		if not math.isfinite(record["loss"]):
			raise DivergedError("non-finite training loss at epoch %d (%s at learnRate %g); try a smaller learnRate" % (
				epoch, record["loss"], learnRate
			))
		# The last batch can break the weights after a finite epoch loss: a checkpoint must never hold them
		broken = [names[0] for var, names in self.net.getVarTable().items() if not np.all(np.isfinite(var.data.get()))]
		if broken:
			raise DivergedError("non-finite training loss at epoch %d (weights %s non-finite at learnRate %g); try a smaller learnRate" % (
				epoch, ", ".join(broken), learnRate
			))
		testLoss, testErr = self.validator.validateFromHost(self.xTest, self.yTest)

		row = {
			"epoch": epoch, "train_loss": record["loss"], "train_acc": 1.0 - record["metric"],
			"test_loss": testLoss, "test_acc": 1.0 - testErr, "learn_rate": learnRate,
			"seconds": max(record["seconds"] - compiling, 0.0)
		}
		self.history.append(row)
		return row


def announceCompiles(say=print):
	"""Prints a notice before the first kernel compile, so that a first run's wait is explained."""
	Compilation.beforeNextCompile(lambda: say("compiling kernels (first run only)", flush=True))


@Processes.endJobOnError
def run(args):
	node = Processes.launchNode()  # before the first array: on CUDA it picks this rank's GPU
	say = Processes.printer(node)  # rank 0 alone prints and writes
	announceCompiles(say)
	Args.applyThreads(args)
	if args.dataset == "text":
		if node is not None:
			raise CliError("--dataset text trains on one process; start it without mpiexec")
		return Sequences.runText(args)
	opts = Args.parseOpts(args.opt)
	Args.prepareOut(args.out)
	checkpoint = os.path.join(args.out, CHECKPOINT)
	if args.resume:
		if not os.path.exists(checkpoint):
			raise CliError("--resume: no checkpoint at %r" % checkpoint)
		checkSameOptions(checkpoint, args, opts)

	session = Run(args, args.optimizer, opts, nodeinfo=node)
	meta = {"architecture": session.architecture, "options": runOptions(args, opts)}

	if args.resume:
		session.trainer.epoch = resume(checkpoint, session, args)
		say("resumed from %s at epoch %d" % (checkpoint, session.trainer.epoch))

	say(header(args, session, node))

	try:
		while len(session.history) < args.epochs:
			row = session.epoch()
			saveCheckpoint(checkpoint, session.net, session.optimizer, session.schedule, row["epoch"], session.history, meta)
			say("epoch %3d  loss %.4f  train acc %6.2f%%  test loss %.4f  test acc %6.2f%%  %.2fs" % (
				row["epoch"], row["train_loss"], 100 * row["train_acc"], row["test_loss"], 100 * row["test_acc"], row["seconds"]
			), flush=True)
	except (KeyboardInterrupt, DivergedError):
		# What finished is still worth a look: the epochs so far, as a finished run would write them
		if Processes.isRoot(node):
			writeOutputs(args, session.history)
		raise

	if Processes.isRoot(node):
		writeOutputs(args, session.history)

	final = session.history[-1]
	total = sum(row["seconds"] for row in session.history)
	say("test accuracy: %.2f%% after %s (%.1fs training, %.3fs per epoch)" % (
		100 * final["test_acc"], Args.plural(final["epoch"], "epoch"), total, total / len(session.history)
	))
	say("wrote %s, %s, %s in %s" % (CHECKPOINT, HISTORY, PLOT, args.out))
	return 0


def architectureOf(kind, inshape):
	"""The buildNet arguments of the CLI's nets, recorded in the checkpoint so that predict and loadNet can rebuild it."""
	architecture = {"kind": kind, "inshape": [int(n) for n in inshape], "classes": 10}
	if kind == "mlp":
		architecture["hidden"] = list(MLP_HIDDEN)
	return architecture


# The options that make a run what it is, recorded in its checkpoint; --resume must repeat them (all but --epochs)
OPTION_FLAGS = {
	"dataset": "--dataset", "net": "--net", "subset": "--subset", "batch_size": "--batch-size", "seed": "--seed",
	"global_state": "--global-state", "optimizer": "--optimizer", "opt": "--opt", "schedule": "--schedule",
	"pixels": "--pixels", "clip_value": "--clip-value", "clip_norm": "--clip-norm"
}


def runOptions(args, opts):
	options = {key: getattr(args, key, None) for key in OPTION_FLAGS if key != "opt"}
	options["opt"] = opts
	options["epochs"] = args.epochs
	return json.loads(json.dumps(options, sort_keys=True))  # as the file will give it back: tuples become lists


def showOption(key, value):
	if key == "opt":
		return " ".join("--opt %s=%s" % item for item in sorted(value.items())) or "no --opt"
	if key == "global_state":
		return "--global-state" if value else "--no-global-state"
	return "%s %s" % (OPTION_FLAGS[key], value) if value is not None else "no %s" % OPTION_FLAGS[key]


def checkSameOptions(checkpoint, args, opts):
	"""Refuses a --resume whose options differ from those the checkpoint was trained with (--epochs may change)."""
	saved = ((readCheckpointInfo(checkpoint)["meta"] or {}).get("options"))
	if not isinstance(saved, dict):
		return  # written before checkpoints recorded their options: loadCheckpoint's own checks still apply
	current = runOptions(args, opts)
	changed = [key for key in OPTION_FLAGS if saved.get(key) != current[key]]
	if changed:
		raise CliError("--resume: %s was trained with %s, not %s; repeat the first run's options (only --epochs may change)" % (
			checkpoint, ", ".join(showOption(key, saved.get(key)) for key in changed),
			", ".join(showOption(key, current[key]) for key in changed)
		))


def resume(checkpoint, session, args):
	"""Loads the checkpoint into the session; returns its epoch.

	Extending a run (--epochs larger than the first run's) stretches the schedule: the schedule is the one the new
	--epochs describes, continued from the step the checkpoint reached, as a PyTorch user rebuilding
	CosineAnnealingLR(T_max=new, last_epoch=done - 1) would get. The file's schedule is therefore loaded into one
	built for the epochs it was saved with, and only its counter carries over.
	"""
	saved = (readCheckpointInfo(checkpoint)["meta"] or {}).get("options") or {}
	schedule = session.schedule
	if schedule is not None and saved.get("epochs", args.epochs) != args.epochs:
		schedule = Args.makeSchedule(args.schedule, saved["epochs"], session.stepsPerEpoch)
		# Built beside the session's: its setupOn must see the same base rate, which the session's already replaced
		learnRate = session.optimizer.learnRate
		session.optimizer.learnRate = session.schedule.baseLR
		schedule.setupOn(session.optimizer)
		session.optimizer.learnRate = learnRate

	epoch = loadCheckpoint(checkpoint, session.net, session.optimizer, schedule, session.history)
	if schedule is not session.schedule:
		session.schedule.t = schedule.t
		session.schedule.apply()
	return epoch


def header(args, session, node=None):
	"""The line a run starts with: net, data, optimizer, schedule, epochs, batch, processes (the docs check their copy of it)."""
	return "training %s (%d parameters) on %s (%d train / %d test) with %s, %s, %s, %s%s" % (
		args.net, session.net.numOfParams(), args.dataset, session.xTrain.shape[0], session.xTest.shape[0],
		Args.describe(session.optimizer), Args.scheduleText(args.schedule), Args.plural(args.epochs, "epoch"), batchText(args),
		Processes.describeProcesses(node)
	)


def writeOutputs(args, history):
	"""history.csv and training.png of the epochs in `history` (nothing when there are none)."""
	if history:
		writeHistory(os.path.join(args.out, HISTORY), history)
		Plot.plotTraining(history, os.path.join(args.out, PLOT), "%s on %s, %s" % (args.net, args.dataset, args.optimizer))


def writeHistory(path, history):
	with open(path, "w", newline="") as f:
		writer = csv.DictWriter(f, fieldnames=COLUMNS)
		writer.writeheader()
		for row in history:
			writer.writerow({key: row[key] for key in COLUMNS})
