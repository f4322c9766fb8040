"""Command-line parsing, and turning names and key=value strings into optimizers and schedules."""
import argparse
import inspect
import sys

from framework import Config
from framework.Cli.CliError import CliError


class Parser(argparse.ArgumentParser):
	"""argparse with a one-line error message (no usage block), exit status 2."""

	def error(self, message):
		self.exit(2, "%s: error: %s (see %s --help)\n" % (self.prog, message, self.prog))


def optimizerClasses():
	"""{name: class} of every optimizer framework.Optimizers exports."""
	import framework.Optimizers as module
	from framework.Optimizers.Optimizer import Optimizer

	return {
		name: obj for name, obj in vars(module).items()
		if inspect.isclass(obj) and issubclass(obj, Optimizer) and obj is not Optimizer
	}


def parseOpts(pairs, flag="--opt"):
	"""['key=value', ...] -> {key: value text}; makeOptimizer reads each text as its hyperparameter's declaration says."""
	opts = {}
	for pair in pairs or []:
		key, sep, value = pair.partition("=")
		if not sep or not key.strip():
			raise CliError("%s expects key=value, got %r" % (flag, pair))
		opts[key.strip()] = value.strip()
	return opts


def makeOptimizer(name, opts, defaults=None, tuned=False):
	"""An optimizer by class name: its hyperparameters from --opt texts (parsed by the class's declarations, so
	centered=false is False) over `defaults` (over the class's `tuned` values, when asked: train and compare
	use those); unknown names are a CliError."""
	classes = optimizerClasses()
	if name not in classes:
		raise CliError("unknown optimizer %r; choose one of %s" % (name, ", ".join(sorted(classes))))

	cls = classes[name]
	declared = cls.hyperparameters
	unknown = [key for key in opts if key not in declared]
	if unknown:
		raise CliError("%s has no hyperparameter %s; it takes %s" % (name, ", ".join(map(repr, unknown)), ", ".join(declared)))

	kwargs = dict(cls.tuned) if tuned else {}
	kwargs.update(defaults or {})
	try:
		kwargs.update((key, declared[key].parse(text, name) if isinstance(text, str) else text) for key, text in opts.items())
		return cls(**kwargs)
	except (TypeError, ValueError) as e:
		raise CliError("bad hyperparameter for %s: %s" % (name, e)) from None


SCHEDULES = ("none", "step", "exponential", "cosine", "warmup")
SCHEDULE_HELP = (
	"learning-rate schedule: step (x0.1 every epochs/3), exponential (x0.9 per epoch), cosine (to 0 over the run), "
	"warmup (linear over the first epoch's steps), none"
)


def makeSchedule(name, epochs, stepsPerEpoch):
	"""The --schedule choices, sized to the run: step (x0.1 every epochs // 3 epochs), exponential (x0.9 per epoch),
	cosine (to 0 over all epochs), warmup (linear from 0.1x over the first epoch's steps, then flat)."""
	from framework.Optimizers import Schedules

	if name == "none":
		return None
	if name == "step":
		return Schedules.StepDecay(stepSize=max(1, epochs // 3), gamma=0.1)
	if name == "exponential":
		return Schedules.ExponentialDecay(gamma=0.9)
	if name == "cosine":
		return Schedules.CosineAnnealing(tMax=max(1, epochs))
	if name == "warmup":
		return Schedules.LinearWarmup(warmup=max(1, stepsPerEpoch), per="step")
	raise CliError("unknown schedule %r; choose one of %s" % (name, ", ".join(SCHEDULES)))


def addCommon(parser, epochs, batchSize, outDir):
	parser.add_argument("--dataset", choices=("digits", "mnist"), default="digits", help="data set (default: digits)")
	parser.add_argument("--data-dir", metavar="DIR", help="directory with mnist.npz or the four MNIST IDX files")
	parser.add_argument("--net", choices=("mlp", "cnn"), default="mlp", help="network (default: mlp)")
	parser.add_argument("--epochs", type=positiveInt, default=epochs, help="epochs (default: %d)" % epochs)
	parser.add_argument("--batch-size", type=positiveInt, default=batchSize, help="batch size (default: %d)" % batchSize)
	parser.add_argument("--seed", type=nonNegativeInt, default=0, help="seed for weights and shuffling (default: 0)")
	parser.add_argument("--subset", type=positiveInt, default=None, metavar="N",
		help="train on the first N training samples only (quick checks)")
	parser.add_argument("--global-state", action=argparse.BooleanOptionalAction, default=True,
		help="pack parameters into one buffer and run one fused kernel per step (default: on)")
	parser.add_argument("--out", metavar="DIR", default=outDir, help="output directory (default: %s)" % outDir)
	parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
		help="per-epoch progress bars (default: on when writing to a terminal)")
	parser.add_argument("--threads", type=positiveInt, default=None, metavar="N",
		help="CPU threads for kernels and BLAS (default: FRAMEWORK_NUM_THREADS, else every core); "
			"on a machine busy with other work fewer can be faster")


def positiveInt(text):
	value = _int(text)
	if value < 1:
		raise argparse.ArgumentTypeError("expected a positive integer, got %r" % text)
	return value


def nonNegativeInt(text):
	value = _int(text)
	if value < 0:
		raise argparse.ArgumentTypeError("expected a non-negative integer, got %r" % text)
	return value


def _int(text):
	try:
		return int(text)
	except ValueError:
		raise argparse.ArgumentTypeError("expected an integer, got %r" % text) from None


def buildParser():
	from framework.Cli import Compare, Export, Predict, Train, Trajectory

	parser = Parser(prog="framework", description="Train and compare nets and optimizers with the framework.")
	sub = parser.add_subparsers(dest="command", metavar="{train,compare,trajectory,predict,export}")
	sub.required = True

	Train.addParser(sub)
	Compare.addParser(sub)
	Trajectory.addParser(sub)
	Predict.addParser(sub)
	Export.addParser(sub)
	return parser


def applyThreads(args):
	"""--threads, when given, becomes Config.setNumThreads."""
	if getattr(args, "threads", None) is not None:
		Config.setNumThreads(args.threads)


def progressDefault(args):
	return sys.stderr.isatty() if args.progress is None else args.progress
