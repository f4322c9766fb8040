"""The recurrent side of `train`: --net lstm on digits read as sequences, --dataset text (a character language model),
and gradient clipping (--clip-value, --clip-norm) for any net and optimizer, as Graves trained his LSTMs."""
import argparse
import math
import os
import time

import numpy as np

from framework import Config
from framework.Backend import gpuarray
from framework.Cli import Args
from framework.Cli.CliError import CliError
from framework.Containers.Sequential import Sequential
from framework.Cost import CrossEntropy
from framework.Datasets import BUILTIN_TEXT, DatasetError, decode, loadDigitSequences, loadText, textWindows
from framework.Models.Nets import LSTM_HIDDEN
from framework.Modules import RNN, Linear, Reshape, SwapAxes
from framework.Optimizers.Hooks import ClipGradNorm, ClipGradValue



def addOptions(parser):
	parser.add_argument("--pixels", action="store_true",
		help="with --net lstm: read the digits pixel by pixel (64 steps of 1 value) instead of row by row (8 of 8)")
	parser.add_argument("--hidden", type=Args.positiveInt, default=LSTM_HIDDEN,
		help="--dataset text: LSTM hidden units (default: %d; --net lstm always has %d)" % (LSTM_HIDDEN, LSTM_HIDDEN))
	parser.add_argument("--data-file", metavar="FILE",
		help="UTF-8 text for --dataset text (default: the short story shipped with the framework)")
	parser.add_argument("--seq-length", type=Args.positiveInt, default=64,
		help="--dataset text: characters per training sequence, and the context when sampling (default: 64)")
	parser.add_argument("--sample-length", type=Args.nonNegativeInt, default=300,
		help="--dataset text: characters generated at the end (default: 300)")
	parser.add_argument("--clip-value", type=_positiveFloat, metavar="X",
		help="clip every gradient element to [-X, X] before each step (ClipGradValue)")
	parser.add_argument("--clip-norm", type=_positiveFloat, metavar="X",
		help="rescale the gradients when their global L2 norm exceeds X (ClipGradNorm)")


def _positiveFloat(text):
	try:
		value = float(text)
	except ValueError:
		raise argparse.ArgumentTypeError("expected a number, got %r" % text) from None
	if not value > 0 or math.isinf(value):
		raise argparse.ArgumentTypeError("expected a positive finite number, got %r" % text)
	return value


def addClipping(optimizer, args):
	"""Adds the clipping hooks --clip-value and --clip-norm ask for (value first, then the norm of what is left)."""
	if getattr(args, "clip_value", None) is not None:
		optimizer.addHook(ClipGradValue(args.clip_value))
	if getattr(args, "clip_norm", None) is not None:
		optimizer.addHook(ClipGradNorm(args.clip_norm))


def loadSequences(args):
	"""(xTrain, yTrain, xTest, yTest) for --net lstm: batch-major (N, steps, features) sequences."""
	if args.dataset == "text":
		raise CliError("--dataset text works with the train command only")
	if args.dataset != "digits":
		raise CliError("--net lstm reads the built-in digits as sequences; use --dataset digits")
	return loadDigitSequences(byPixel=getattr(args, "pixels", False))


def buildCharModel(vocabulary, hidden=LSTM_HIDDEN):
	"""One-hot (batch, T, vocabulary) characters, as Graves fed them -> logits of the next character,
	(batch * T, vocabulary) in batch-major order."""
	return Sequential().extend([
		SwapAxes(0, 1), RNN(vocabulary, hidden), SwapAxes(0, 1), Reshape((-1, hidden)), Linear(hidden, vocabulary)
	])


def oneHot(ids, vocabulary):
	"""(batch, T) int character indices -> (batch, T, vocabulary) float32 device array."""
	return gpuarray.to_gpu(np.eye(vocabulary, dtype=np.float32)[ids])


def bitsPerCharacter(net, cost, ids, vocabulary):
	"""Mean cross-entropy of predicting ids[1:] from the characters before them, read as one sequence, in bits."""
	wasTraining = net.train
	net.evalMode()
	try:
		pred = net(oneHot(ids[:-1].reshape(1, -1), vocabulary))
		error, _ = cost(pred, gpuarray.to_gpu(np.ascontiguousarray(ids[1:], dtype=np.int32)))
	finally:
		if wasTraining:
			net.trainMode()
	return float(error) / math.log(2)


def generate(net, prime, length, context, vocabulary, rng, temperature=0.8):
	"""Extends the int32 ids `prime` by `length` characters drawn from the net's softmax at `temperature`, each
	predicted from the last `context` characters (the length the net was trained on)."""
	ids = list(int(k) for k in prime)
	net.evalMode()
	for _ in range(length):
		window = np.array(ids[-context:], dtype=np.int32).reshape(1, -1)
		logits = net(oneHot(window, vocabulary)).get()[-1].astype(np.float64) / temperature
		p = np.exp(logits - logits.max())
		ids.append(int(rng.choice(p.size, p=p / p.sum())))
	net.trainMode()
	return np.array(ids[len(prime):], dtype=np.int32)


def runText(args):
	"""--dataset text: trains a character LSTM, prints bits per character on the held-out tail and a sample."""
	if args.net != "mlp" and args.net != "lstm":
		raise CliError("--dataset text trains a character LSTM; --net %s does not apply" % args.net)
	if args.resume:
		raise CliError("--resume is not supported with --dataset text")
	if args.data_dir is not None:
		raise CliError("--data-dir is for --dataset mnist; give the text with --data-file FILE")

	path = args.data_file if args.data_file is not None else BUILTIN_TEXT
	try:
		alphabet, train, test = loadText(path, testFraction=0.1, minLength=args.seq_length + 1)
	except DatasetError as e:
		raise CliError(str(e)) from None
	if args.subset is not None:
		train = train[:max(args.subset, args.seq_length + 1)]

	Config.setSeed(args.seed)
	rng = np.random.default_rng(args.seed)
	net = buildCharModel(len(alphabet), args.hidden)
	optimizer = Args.makeOptimizer(args.optimizer, Args.parseOpts(args.opt), tuned=True)
	addClipping(optimizer, args)
	optimizer.setupOn(net, useGlobalState=args.global_state)
	cost = CrossEntropy()

	windows = (train.size - 1) // args.seq_length
	steps = -(-windows // args.batch_size)
	schedule = Args.makeSchedule(args.schedule, args.epochs, steps)
	if schedule is not None:
		schedule.setupOn(optimizer)

	print("training a character LSTM (%d hidden, %d parameters) on %s (%d characters, %d distinct; %d held out) "
		"with %s, %s, %s, batch %d x %d characters" % (
		args.hidden, net.numOfParams(), os.path.basename(path), train.size + test.size, len(alphabet), test.size,
		Args.describe(optimizer), Args.scheduleText(args.schedule), Args.plural(args.epochs, "epoch"), args.batch_size, args.seq_length
	))

	for epoch in range(1, args.epochs + 1):
		start, total, count = time.perf_counter(), 0.0, 0
		# a fresh offset each epoch shows the net every character at every position of a window
		inputs, targets = textWindows(train, args.seq_length, int(rng.integers(0, min(args.seq_length, train.size - args.seq_length))))
		order = rng.permutation(inputs.shape[0])
		for a in range(0, order.size, args.batch_size):
			idx = order[a:a + args.batch_size]
			optimizer.zeroGradParams()
			pred = net(oneHot(inputs[idx], len(alphabet)))
			error, grad = cost(pred, gpuarray.to_gpu(np.ascontiguousarray(targets[idx].reshape(-1))))
			net.backward(grad)
			optimizer.update(error=error)
			if schedule is not None:
				schedule.onStep()
			total, count = total + float(error) * idx.size, count + idx.size
		if schedule is not None:
			schedule.onEpoch()

		trainBpc = total / count / math.log(2)
		if not math.isfinite(trainBpc):
			raise CliError("the training loss is not finite at epoch %d; lower the learning rate or clip the gradients" % epoch)
		seconds = time.perf_counter() - start
		print("epoch %3d  train %.3f bits/char  test %.3f bits/char  %.2fs" % (
			epoch, trainBpc, bitsPerCharacter(net, cost, test, len(alphabet)), seconds
		))

	bpc = bitsPerCharacter(net, cost, test, len(alphabet))
	print("test bits per character: %.3f on the held-out last %d characters" % (bpc, test.size))

	os.makedirs(args.out, exist_ok=True)
	net.save(os.path.join(args.out, "text-model.h5"))
	prime = test[:min(args.seq_length, 16)]
	sample = decode(prime, alphabet) + decode(generate(net, prime, args.sample_length, args.seq_length, len(alphabet), rng), alphabet)
	print("sample (primed with the first %d held-out characters):\n%s" % (prime.size, sample))
	print("wrote text-model.h5 in %s" % args.out)
	return 0
