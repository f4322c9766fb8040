"""`python -m framework compare`: the same net from the same initial weights, trained by several optimizers."""
import csv
import os

from framework.Cli import Args, Plot, Processes
from framework.Cli.Data import batchText, loadData
from framework.Cli.DivergedError import DivergedError
from framework.Cli.Train import Run, announceCompiles

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
	parser.add_argument("--schedule", type=Args.choice(Args.SCHEDULES), default="none", metavar=Args.SCHEDULE_METAVAR, help=Args.SCHEDULE_HELP + " (default: none)")
	parser.set_defaults(run=run)


@Processes.endJobOnError
def run(args):
	node = Processes.launchNode()  # before the first array: on CUDA it picks this rank's GPU
	say = Processes.printer(node)  # rank 0 alone prints and writes
	names = Args.nameList(args.optimizers, "optimizer", Args.optimizerClasses())
	opts = Args.splitOpts(args.opt, names)
	Args.prepareOut(args.out)
	announceCompiles(say)
	Args.applyThreads(args)

	data = loadData(args)
	say("comparing %s on %s (%s, %s, %s, seed %d%s)" % (
		", ".join(names), args.dataset, args.net, Args.plural(args.epochs, "epoch"), batchText(args), args.seed,
		Processes.describeProcesses(node)
	))

	results, rows, failures = {}, [], []
	for name in names:
		session = Run(args, name, opts[name], data=data, nodeinfo=node)
		divergedAt = None
		try:
			for _ in range(args.epochs):
				session.epoch()
		except DivergedError as e:
			# One optimizer blowing up is a result worth showing beside the others, not a reason to stop them
			divergedAt = len(session.history) + 1
			failures.append("%s: %s" % (name, e))
			say("  %-14s stopped: %s" % (name, e), flush=True)

		final = session.history[-1] if session.history else dict.fromkeys(("train_loss", "test_loss", "test_acc"), float("nan"))
		results[name] = session.history
		rows.append({
			"optimizer": name, "learn_rate": session.optimizer.learnRate, "train_loss": final["train_loss"],
			"test_loss": final["test_loss"], "test_acc": final["test_acc"],
			"seconds": sum(row["seconds"] for row in session.history), "diverged_at": divergedAt or ""
		})
		if divergedAt is None:
			say("  %-14s done: test acc %.2f%%" % (name, 100 * final["test_acc"]), flush=True)

	say()
	say("%-14s %10s %12s %11s %10s %9s" % ("optimizer", "learnRate", "train loss", "test loss", "test acc", "time, s"))
	for row in rows:
		say("%-14s %10.3g %12.4f %11.4f %9.2f%% %9.2f%s" % (
			row["optimizer"], row["learn_rate"], row["train_loss"], row["test_loss"], 100 * row["test_acc"], row["seconds"],
			"  (diverged at epoch %d; last finite epoch shown)" % row["diverged_at"] if row["diverged_at"] else ""
		))

	if Processes.isRoot(node):
		with open(os.path.join(args.out, TABLE), "w", newline="") as f:
			writer = csv.DictWriter(f, fieldnames=list(rows[0]))
			writer.writeheader()
			writer.writerows(rows)
		Plot.plotComparison(results, os.path.join(args.out, PLOT), "%s on %s: training loss" % (args.net, args.dataset))
	say("wrote %s, %s in %s" % (TABLE, PLOT, args.out))
	if failures:
		raise DivergedError("; ".join(failures))
	return 0

