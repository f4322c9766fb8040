"""`python -m framework predict`: runs a net trained by `train` on new data and prints the predicted classes."""
import os

import numpy as np

from framework.Cli.CliError import CliError
from framework.Handlers import readCheckpointInfo
from framework.Models import loadNet, predict

DEFAULT_CHECKPOINT = os.path.join("out", "checkpoint.h5")


def addParser(sub):
	parser = sub.add_parser("predict", help="predict the classes of new samples with a trained checkpoint",
		description="Rebuild the net a `train` checkpoint records, load its weights and print one predicted class per "
		"sample. Samples must be preprocessed as for training (digits: pixels scaled to [0, 1]).")
	parser.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, metavar="FILE",
		help="checkpoint written by train (default: %s)" % DEFAULT_CHECKPOINT)
	parser.add_argument("--input", required=True, metavar="FILE",
		help="samples as .npy (N samples of the net's input shape, or N rows of that many values) or .csv (one sample per row)")
	parser.add_argument("--output", metavar="FILE", help="also write the classes to FILE (.npy, or .csv with one class per line)")
	parser.add_argument("--batch-size", type=int, default=128, help="samples per forward pass (default: 128)")
	parser.set_defaults(run=run)


def readSamples(path):
	if not os.path.isfile(path):
		raise CliError("--input: no such file %r" % path)
	try:
		if path.endswith(".csv"):
			return np.loadtxt(path, delimiter=",", ndmin=2)
		if path.endswith(".npy"):
			return np.load(path, allow_pickle=False)
	except ValueError as e:
		raise CliError("--input: cannot read %r (%s)" % (path, e)) from None
	raise CliError("--input: expected a .npy or .csv file, got %r" % path)


def shapeSamples(x, inshape, path):
	"""(N, *inshape): a sample per row of a 2-D table, a single sample, or already shaped."""
	size = int(np.prod(inshape))
	if x.dtype.kind not in "biuf":
		raise CliError("--input: %r holds %s values, expected numbers" % (path, x.dtype))
	if x.ndim == len(inshape) and x.size == size:
		x = x[np.newaxis]
	if x.ndim < 1 or x.shape[0] == 0 or x.size != x.shape[0] * size:
		raise CliError("--input: %r holds an array of shape %s; the net takes samples of shape %s (%d values each)" % (
			path, x.shape, tuple(inshape), size
		))
	x = x.reshape((x.shape[0], ) + tuple(inshape))
	if not np.all(np.isfinite(x)):
		raise CliError("--input: %r holds NaN or infinite values" % path)
	return x


def writeClasses(path, classes):
	if path.endswith(".npy"):
		np.save(path, classes)
	elif path.endswith(".csv"):
		np.savetxt(path, classes, fmt="%d")
	else:
		raise CliError("--output: expected a .npy or .csv name, got %r" % path)


def run(args):
	if args.batch_size < 1:
		raise CliError("--batch-size must be a positive integer, got %d" % args.batch_size)
	if not os.path.isfile(args.checkpoint):
		raise CliError("--checkpoint: no such file %r (train writes out/checkpoint.h5)" % args.checkpoint)
	if args.output is not None and not args.output.endswith((".npy", ".csv")):
		raise CliError("--output: expected a .npy or .csv name, got %r" % args.output)

	net = loadNet(args.checkpoint)
	architecture = readCheckpointInfo(args.checkpoint)["meta"]["architecture"]
	x = shapeSamples(readSamples(args.input), architecture["inshape"], args.input)

	classes = predict(net, x, batchsize=args.batch_size)
	print("\n".join(str(c) for c in classes))
	if args.output is not None:
		writeClasses(args.output, classes)
	return 0
