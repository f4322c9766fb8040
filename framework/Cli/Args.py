"""Shared pieces of the subcommands: common options, and turning names and key=value strings into objects.

The parser itself is assembled in Cli/Parser.py, which imports the subcommands; the subcommands import this
module, never the other way round.
"""
import argparse
import difflib
import inspect
import os
import sys
import tempfile

from framework import Config
import framework.Optimizers as optimizersModule
from framework.Cli.CliError import CliError
from framework.Optimizers import Schedules
from framework.Optimizers.Optimizer import Optimizer


def optimizerClasses():
	"""{name: class} of every optimizer framework.Optimizers exports."""
	return {
		name: obj for name, obj in vars(optimizersModule).items()
		if inspect.isclass(obj) and issubclass(obj, Optimizer) and obj is not Optimizer
	}


def suggestion(name, known):
	"""' (did you mean 'X'?)' for the known name that `name` most likely misspells (case first), else ''."""
	byLower = {k.lower(): k for k in known}
	match = byLower.get(name.lower())
	if match is None:
		close = difflib.get_close_matches(name.lower(), list(byLower), n=1, cutoff=0.6)
		match = byLower[close[0]] if close else None
	return " (did you mean %r?)" % match if match is not None else ""


def unknownNames(what, names, known):
	"""A CliError for the names not in `known`, with a suggestion for the first, or None when all are known."""
	unknown = [name for name in names if name not in known]
	if not unknown and names:
		return None
	if not names:
		return CliError("no %s given; choose from %s" % (what, ", ".join(sorted(known))))
	return CliError("unknown %s %s%s; choose from %s" % (
		what, ", ".join(map(repr, unknown)), suggestion(unknown[0], known), ", ".join(sorted(known))
	))


def nameList(text, what, known):
	"""'A,B' -> ['A', 'B'] after checking every name is one of `known` (a CliError with a suggestion if not)."""
	names = [name.strip() for name in text.split(",") if name.strip()]
	error = unknownNames(what, names, known)
	if error is not None:
		raise error
	return names


def choice(names):
	"""An argparse type for one of `names`, whose error suggests the closest name (argparse's `choices` cannot)."""
	def parse(text):
		if text not in names:
			raise argparse.ArgumentTypeError("invalid choice %r%s (choose from %s)" % (text, suggestion(text, names), ", ".join(names)))
		return text
	return parse


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
		raise CliError("unknown optimizer %r%s; choose one of %s" % (name, suggestion(name, classes), ", ".join(sorted(classes))))

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
		# The optimizer's own message usually starts with its name already; say it once
		message = str(e) if str(e).startswith(name + ":") else "bad hyperparameter for %s: %s" % (name, e)
		raise CliError(message) from None


def splitOpts(pairs, names):
	"""['Adam.learnRate=3e-3', ...] -> {"Adam": {"learnRate": 0.003}} (compare's and trajectory's --opt)."""
	perOptimizer = {name: [] for name in names}
	for pair in pairs or []:
		target, dot, rest = pair.partition(".")
		if not dot or target not in perOptimizer:
			raise CliError("--opt expects NAME.KEY=VALUE with NAME one of %s, got %r" % (", ".join(names), pair))
		perOptimizer[target].append(rest)
	return {name: parseOpts(items, "--opt") for name, items in perOptimizer.items()}


SCHEDULES = ("none", "step", "exponential", "cosine", "warmup")
SCHEDULE_METAVAR = "{%s}" % ",".join(SCHEDULES)
SCHEDULE_HELP = (
	"learning-rate schedule: step (x0.1 every epochs/3), exponential (x0.9 per epoch), cosine (to 0 over the run), "
	"warmup (linear over the first epoch's steps), none"
)


def makeSchedule(name, epochs, stepsPerEpoch):
	"""The --schedule choices, sized to the run: step (x0.1 every epochs // 3 epochs), exponential (x0.9 per epoch),
	cosine (to 0 over all epochs), warmup (linear from 0.1x over the first epoch's steps, then flat)."""
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


def scheduleText(name):
	"""How a run's header names its schedule: 'no schedule' rather than 'none schedule'."""
	return "no schedule" if name == "none" else "%s schedule" % name


def plural(count, noun):
	return "%d %s%s" % (count, noun, "s" * (count != 1))


def prepareOut(path):
	"""Creates the --out directory and proves a file can be written there, before any work that would be lost."""
	if os.path.exists(path) and not os.path.isdir(path):
		raise CliError("--out %r is a file, not a directory" % path)
	parent = os.path.dirname(os.path.abspath(path))
	while not os.path.exists(parent):
		parent = os.path.dirname(parent)
	if not os.path.isdir(parent):
		raise CliError("--out %r lies under %r, which is a file, not a directory" % (path, parent))
	try:
		os.makedirs(path, exist_ok=True)
	except OSError as e:
		raise CliError("--out %r: cannot create it (%s)" % (path, e.strerror or e)) from None
	try:
		with tempfile.TemporaryFile(dir=path):
			pass
	except OSError as e:
		raise CliError("--out %r: cannot write there (%s)" % (path, e.strerror or e)) from None


DATASETS, NETS = ("digits", "mnist", "text"), ("mlp", "cnn", "lstm")


def addCommon(parser, epochs, batchSize, outDir):
	parser.add_argument("--dataset", type=choice(DATASETS), default="digits", metavar="{%s}" % ",".join(DATASETS),
		help="data set (default: digits); text: a character language model on --data-file")
	parser.add_argument("--data-dir", metavar="DIR", help="directory with mnist.npz or the four MNIST IDX files")
	parser.add_argument("--net", type=choice(NETS), default="mlp", metavar="{%s}" % ",".join(NETS), help="network (default: mlp)")
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


def applyThreads(args):
	"""--threads, when given, becomes Config.setNumThreads."""
	if getattr(args, "threads", None) is not None:
		Config.setNumThreads(args.threads)


def progressDefault(args):
	return sys.stderr.isatty() if args.progress is None else args.progress


def describe(optimizer):
	"""Class name with the hyperparameters that differ from the class defaults (learnRate always)."""
	defaults = {name: p.default for name, p in inspect.signature(type(optimizer).__init__).parameters.items()}
	shown = [
		"%s=%s" % (name, value) for name, value in optimizer.getHyperparameters().items()
		if name == "learnRate" or defaults.get(name, inspect.Parameter.empty) != value
	]
	return "%s(%s)" % (type(optimizer).__name__, ", ".join(shown))
