"""`python -m framework export`: writes the net a `train` checkpoint records as an ONNX file."""
import os

from framework.Cli.CliError import CliError
from framework.Cli.Predict import DEFAULT_CHECKPOINT
from framework.Converter import exportOnnx
from framework.Converter.Onnx import INSTALL, importOnnx
from framework.Handlers import readCheckpointInfo
from framework.Models import loadNet


def addParser(sub):
	parser = sub.add_parser("export", help="export a trained checkpoint's net to ONNX",
		description="Rebuild the net a `train` checkpoint records, load its weights and write it as an ONNX model "
		"(opset 17, float32, any batch size) for ONNX Runtime and other deployment tools. Needs pip install -e \".[onnx]\".")
	parser.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, metavar="FILE",
		help="checkpoint written by train (default: %s)" % DEFAULT_CHECKPOINT)
	parser.add_argument("--onnx", required=True, metavar="FILE", help="the ONNX file to write (.onnx)")
	parser.set_defaults(run=run)


def run(args):
	if not args.onnx.endswith(".onnx"):
		raise CliError("--onnx: expected a file name ending in .onnx, got %r" % args.onnx)
	if not os.path.isfile(args.checkpoint):
		raise CliError("--checkpoint: no such file %r (train writes out/checkpoint.h5)" % args.checkpoint)
	try:
		importOnnx()
	except ImportError:
		raise CliError("the onnx package is not installed: %s" % INSTALL) from None

	net = loadNet(args.checkpoint)
	inshape = tuple(readCheckpointInfo(args.checkpoint)["meta"]["architecture"]["inshape"])
	try:
		exportOnnx(net, args.onnx, [(1, ) + inshape])
	except OSError as e:
		raise CliError("--onnx: cannot write %r (%s)" % (args.onnx, e.strerror or e)) from None
	print("wrote %s: %s net, input 'input' of shape (batch, %s), output 'output'" % (
		args.onnx, type(net).__name__, ", ".join(str(n) for n in inshape)
	))
	return 0
