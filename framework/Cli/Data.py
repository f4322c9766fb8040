"""Loads the data set a command asks for, in the layout its net takes."""
import os

from framework.Cli import Sequences
from framework.Cli.CliError import CliError
from framework.Datasets import loadDigits, loadMnist


def loadData(args):
	"""(xTrain, yTrain, xTest, yTest, inshape) for --dataset/--data-dir/--net/--subset."""
	flat = args.net == "mlp"
	if args.net == "lstm" or args.dataset == "text":
		xTrain, yTrain, xTest, yTest = Sequences.loadSequences(args)
	elif args.dataset == "digits":
		if args.data_dir is not None:
			raise CliError("--data-dir is for --dataset mnist; the digits come with scikit-learn")
		xTrain, yTrain, xTest, yTest = loadDigits(flat=flat)
	else:
		if args.data_dir is None:
			raise CliError("--dataset mnist needs --data-dir DIR (a directory with mnist.npz or the IDX files)")
		if not os.path.isdir(args.data_dir):
			raise CliError("--data-dir %r is not a directory" % args.data_dir)
		xTrain, yTrain, xTest, yTest = loadMnist(args.data_dir, flat=flat)

	if args.subset is not None:
		xTrain, yTrain = xTrain[:args.subset], yTrain[:args.subset]

	# A batch larger than the data is the full batch: clamping it here, before anything is allocated, keeps
	# `--batch-size 10000000000` from asking the device for terabytes
	args.fullBatch = args.batch_size >= xTrain.shape[0]
	args.batch_size = min(args.batch_size, xTrain.shape[0])
	return xTrain, yTrain, xTest, yTest, xTrain.shape[1:]


def batchText(args):
	"""'batch 32', or 'batch 1437 (the full batch)' for a header line."""
	return "batch %d%s" % (args.batch_size, " (the full batch)" if getattr(args, "fullBatch", False) else "")
