"""`python -m framework compare`: the same net from the same initial weights, trained by several optimizers."""
import csv
import os

from framework.Cli import Args, Plot, Processes
from framework.Cli.CliError import CliError
from framework.Cli.Data import loadData
from framework.Cli.Train import Run

DEFAULT_OPTIMIZERS = ("SGD", "MomentumSGD", "Adam", "RMSProp", "RMSPropGraves", "Rprop")
DEFAULT_EPOCHS = 20
PLOT, TABLE = "compare.png", "compare.csv"


def addParser(sub):
	parser = sub.add_parser("compare", help="train the same net with several optimizers and compare them",
		description="Train the same net from the same initial weights and batch order with each optimizer; "
			"prints a table and writes compare.csv and compare.png (all loss curves) to --out.")
	Args.addCommon(parser, DEFAULT_EPOCHS, 32, "out")
	parser.add_argument("--optimizers", default=",".join(DEFAULT_OPTIMIZERS), metavar="A,B,...",
		help="comma-separated optimizer names (default: %s)" % ",".join(DEFAULT_OPTIMIZERS))
	parser.add_argument("--opt", action="append", metavar="NAME.KEY=VALUE",
		help="hyperparameter of one optimizer, repeatable (e.g. --opt Adam.learnRate=3e-3 --opt Rprop.variant=iRprop+)")
	parser.add_argument("--schedule", choices=Args.SCHEDULES, default="none", help=Args.SCHEDULE_HELP + " (default: none)")
	parser.set_defaults(run=run)


def splitOpts(pairs, names):
	"""['Adam.learnRate=3e-3', ...] -> {"Adam": {"learnRate": 0.003}}."""
	perOptimizer = {name: [] for name in names}
	for pair in pairs or []:
		target, dot, rest = pair.partition(".")
		if not dot or target not in perOptimizer:
			raise CliError("--opt in compare expects NAME.KEY=VALUE with NAME one of %s, got %r" % (", ".join(names), pair))
		perOptimizer[target].append(rest)
	return {name: Args.parseOpts(items, "--opt") for name, items in perOptimizer.items()}


@Processes.endJobOnError
def run(args):
	node = Processes.launchNode()  # before the first array: on CUDA it picks this rank's GPU
	say = print if Processes.isRoot(node) else (lambda *a, **k: None)  # rank 0 alone prints and writes
	names = [name.strip() for name in args.optimizers.split(",") if name.strip()]
	if not names:
		raise CliError("--optimizers needs at least one name")
	known = Args.optimizerClasses()
	unknown = [name for name in names if name not in known]
	if unknown:
		raise CliError("unknown optimizer %s; choose from %s" % (", ".join(map(repr, unknown)), ", ".join(sorted(known))))
	opts = splitOpts(args.opt, names)

	data = loadData(args)
	os.makedirs(args.out, exist_ok=True)
	say("comparing %s on %s (%s, %d epochs, batch %d, seed %d%s)" % (
		", ".join(names), args.dataset, args.net, args.epochs, args.batch_size, args.seed, Processes.describeProcesses(node)
	))

	results, rows = {}, []
	for name in names:
		session = Run(args, name, opts[name], data=data, nodeinfo=node)
		for _ in range(args.epochs):
			session.epoch()

		final = session.history[-1]
		seconds = sum(row["seconds"] for row in session.history)
		results[name] = session.history
		rows.append({
			"optimizer": name, "learn_rate": session.optimizer.learnRate, "train_loss": final["train_loss"],
			"test_loss": final["test_loss"], "test_acc": final["test_acc"], "seconds": seconds
		})
		say("  %-14s done: test acc %.2f%%" % (name, 100 * final["test_acc"]), flush=True)

	say()
	say("%-14s %10s %12s %11s %10s %9s" % ("optimizer", "learnRate", "train loss", "test loss", "test acc", "time, s"))
	for row in rows:
		say("%-14s %10.3g %12.4f %11.4f %9.2f%% %9.2f" % (
			row["optimizer"], row["learn_rate"], row["train_loss"], row["test_loss"], 100 * row["test_acc"], row["seconds"]
		))

	if Processes.isRoot(node):
		with open(os.path.join(args.out, TABLE), "w", newline="") as f:
			writer = csv.DictWriter(f, fieldnames=list(rows[0]))
			writer.writeheader()
			writer.writerows(rows)
		Plot.plotComparison(results, os.path.join(args.out, PLOT), "%s on %s: training loss" % (args.net, args.dataset))
	say("wrote %s, %s in %s" % (TABLE, PLOT, args.out))
	return 0

