"""Loads the data set a command asks for, in the layout its net takes."""
import os

from framework.Cli import Sequences
from framework.Cli.CliError import CliError
from framework.Datasets import loadDigits, loadMnist


def loadData(args):
	"""(xTrain, yTrain, xTest, yTest, inshape) for --dataset/--data-dir/--net/--subset."""
	if args.net == "lstm" or args.dataset == "text":
		return Sequences.loadDigitSequences(args)
	flat = args.net == "mlp"
	if args.dataset == "digits":
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
	return xTrain, yTrain, xTest, yTest, xTrain.shape[1:]
