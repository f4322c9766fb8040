"""The `framework` command line: one subparser per subcommand module (they import Args; nothing imports this but __main__)."""
import argparse

from framework.Cli import Compare, Export, Predict, Train, Trajectory


class Parser(argparse.ArgumentParser):
	"""argparse with a one-line error message (no usage block), exit status 2."""

	def error(self, message):
		self.exit(2, "%s: error: %s (see %s --help)\n" % (self.prog, message, self.prog))


def buildParser():
	parser = Parser(prog="framework", description="Train and compare nets and optimizers with the framework.")
	sub = parser.add_subparsers(dest="command", metavar="{train,compare,trajectory,predict,export}")
	sub.required = True

	Train.addParser(sub)
	Compare.addParser(sub)
	Trajectory.addParser(sub)
	Predict.addParser(sub)
	Export.addParser(sub)
	return parser
