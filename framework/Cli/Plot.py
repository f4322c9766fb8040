"""PNG pictures of a run (matplotlib, Agg backend: no display needed)."""
from framework.Cli.CliError import CliError


def pyplot():
	try:
		import matplotlib
	except ImportError:
		raise CliError("plots need matplotlib; install it with pip install 'framework[examples]'") from None
	matplotlib.use("Agg")
	import matplotlib.pyplot as plt
	return plt


def plotTraining(history, path, title):
	"""Two panels: train/test loss and train/test accuracy per epoch."""
	plt = pyplot()
	epochs = [row["epoch"] for row in history]

	fig, (lossAx, accAx) = plt.subplots(1, 2, figsize=(9, 3.6))
	lossAx.plot(epochs, [row["train_loss"] for row in history], label="train")
	lossAx.plot(epochs, [row["test_loss"] for row in history], label="test")
	lossAx.set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="loss")

	accAx.plot(epochs, [100 * row["train_acc"] for row in history], label="train")
	accAx.plot(epochs, [100 * row["test_acc"] for row in history], label="test")
	accAx.set(xlabel="epoch", ylabel="accuracy, %", title="accuracy")

	for ax in (lossAx, accAx):
		ax.grid(alpha=0.3)
		ax.legend()
	fig.suptitle(title)
	fig.tight_layout()
	fig.savefig(path, dpi=80)
	plt.close(fig)


def plotComparison(results, path, title):
	"""Training loss per epoch of every optimizer on one log-scale axis."""
	plt = pyplot()
	fig, ax = plt.subplots(figsize=(6.4, 4.2))
	for name, history in results.items():
		ax.plot([row["epoch"] for row in history], [row["train_loss"] for row in history], label=name)

	ax.set(xlabel="epoch", ylabel="training cross-entropy", yscale="log", title=title)
	ax.grid(alpha=0.3)
	ax.legend()
	fig.tight_layout()
	fig.savefig(path, dpi=80)
	plt.close(fig)


def plotTrajectories(panels, path):
	"""One contour panel per test function with every optimizer's path; panels: [(fn, {name: (steps, 2) array})]."""
	import numpy as np

	plt = pyplot()
	fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.4), squeeze=False)
	for ax, (fn, paths) in zip(axes[0], panels):
		(x0, x1), (y0, y1) = fn.xlim, fn.ylim
		X, Y = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
		Z = fn.value(X, Y)
		ax.contour(X, Y, np.log1p(Z - Z.min()), levels=15, cmap="Greys", linewidths=0.5)

		for name, path_ in paths.items():
			ax.plot(path_[:, 0], path_[:, 1], ".-", markersize=2, linewidth=1, label=name)
		ax.plot(*fn.minimum, "k*", markersize=10)
		ax.set(xlim=fn.xlim, ylim=fn.ylim, title=fn.title, xlabel="x1", ylabel="x2")
		ax.legend(fontsize=7, loc="best")
	fig.tight_layout()
	fig.savefig(path, dpi=80)
	plt.close(fig)
