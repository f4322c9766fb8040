"""`python -m framework trajectory`: the framework's optimizers on 2-D test functions, drawn over their contours.

The point is a 2-element float64 Variable; each step the gradient is computed
analytically on the host, copied into var.grad, and optimizer.update() moves it.
"""
import os

import numpy as np

from framework.Cli import Args, Plot
from framework.Cli.Functions import FUNCTIONS
from framework.Variable import Variable

DEFAULT_OPTIMIZERS = ("SGD", "MomentumSGD", "Adam", "RMSProp", "RMSPropGraves", "Rprop")
PLOT = "trajectory.png"


def addParser(sub):
	parser = sub.add_parser("trajectory", help="draw optimizer paths on 2-D test functions",
		description="Run optimizers on 0.1 x1^2 + 2 x2^2, Rosenbrock and Beale and draw their paths to --out/trajectory.png.")
	parser.add_argument("--functions", default=",".join(FUNCTIONS), metavar="A,B,...",
		help="comma-separated test functions (default: %s)" % ",".join(FUNCTIONS))
	parser.add_argument("--optimizers", default=",".join(DEFAULT_OPTIMIZERS), metavar="A,B,...",
		help="comma-separated optimizer names (default: %s)" % ",".join(DEFAULT_OPTIMIZERS))
	parser.add_argument("--steps", type=Args.positiveInt, default=None,
		help="steps per path (default: 50 on the quadratic, 500 on the others)")
	parser.add_argument("--opt", action="append", metavar="NAME.KEY=VALUE",
		help="hyperparameter of one optimizer, repeatable; learnRate applies to every function")
	parser.add_argument("--out", metavar="DIR", default="out", help="output directory (default: out)")
	parser.set_defaults(run=run)


def optimizePath(fn, optimizer, steps):
	"""(steps + 1, 2) array of the points visited; stops early where the point leaves any finite value."""
	var = Variable(np.array(fn.start, dtype=np.float64), name="x")
	optimizer.setupOn([var])

	path = [var.data.get()]
	for _ in range(steps):
		x = path[-1]
		var.grad.set(fn.grad(*x).astype(np.float64))
		optimizer.update(error=float(fn.value(*x)))
		point = var.data.get()
		if not np.all(np.isfinite(point)) or np.abs(point).max() > 1e6:
			break
		path.append(point)
	return np.array(path)


def run(args):
	functions = Args.nameList(args.functions, "test function", FUNCTIONS)
	names = Args.nameList(args.optimizers, "optimizer", Args.optimizerClasses())
	opts = Args.splitOpts(args.opt, names)
	Args.prepareOut(args.out)

	panels = []
	print("%-12s %-14s %9s %7s %14s" % ("function", "optimizer", "learnRate", "steps", "final f(x)"))
	for fname in functions:
		fn = FUNCTIONS[fname]
		steps = args.steps if args.steps is not None else fn.steps
		paths = {}
		for name in names:
			optimizer = Args.makeOptimizer(name, opts[name], {"learnRate": fn.learnRates.get(name, 1e-3)})
			path = optimizePath(fn, optimizer, steps)
			paths[name] = path
			print("%-12s %-14s %9.3g %7d %14.6g" % (fname, name, optimizer.learnRate, len(path) - 1, fn.value(*path[-1])))
		panels.append((fn, paths))

	Plot.plotTrajectories(panels, os.path.join(args.out, PLOT))
	print("wrote %s in %s" % (PLOT, args.out))
	return 0
