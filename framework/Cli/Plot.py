"""PNG pictures of a run (matplotlib, Agg backend: no display needed).

Each picture is built by a *Figure function that returns the matplotlib figure (the tests inspect it) and saved
by the matching plot* function. Epoch axes have whole-number ticks, and every curve carries markers, so a
one-epoch run still shows its single point.
"""
import numpy as np

from framework.Cli.CliError import CliError


def pyplot():
	# matplotlib is an optional extra: imported on first use so that a missing one is a one-line CliError
	try:
		import matplotlib
	except ImportError:
		raise CliError("plots need matplotlib; install it with pip install 'framework[examples]'") from None
	matplotlib.use("Agg")
	import matplotlib.pyplot as plt
	return plt


def epochAxis(ax, epochs):
	"""Whole-number epoch ticks, with half an epoch of room on each side so a single epoch is not squeezed."""
	from matplotlib.ticker import MaxNLocator  # matplotlib is loaded by pyplot() first (see there)

	ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
	if epochs:
		ax.set_xlim(min(epochs) - 0.5, max(epochs) + 0.5)
	ax.set_xlabel("epoch")


def curve(ax, x, y, **kwargs):
	"""A line with markers; the markers shrink as the epochs grow, so long runs stay readable."""
	size = 5 if len(x) <= 10 else 3 if len(x) <= 40 else 0
	return ax.plot(x, y, marker="o" if size else None, markersize=size, **kwargs)


def trainingFigure(history, title):
	"""Three panels: train/test loss, train/test accuracy and the learning rate, per epoch."""
	plt = pyplot()
	epochs = [row["epoch"] for row in history]

	fig, (lossAx, accAx, lrAx) = plt.subplots(1, 3, figsize=(12, 3.6))
	curve(lossAx, epochs, [row["train_loss"] for row in history], label="train")
	curve(lossAx, epochs, [row["test_loss"] for row in history], label="test")
	lossAx.set(ylabel="cross-entropy", yscale="log", title="loss")

	curve(accAx, epochs, [100 * row["train_acc"] for row in history], label="train")
	curve(accAx, epochs, [100 * row["test_acc"] for row in history], label="test")
	accAx.set(ylabel="accuracy, %", title="accuracy")

	curve(lrAx, epochs, [row["learn_rate"] for row in history], color="tab:green", label="learnRate")
	lrAx.set(ylabel="learnRate at the epoch's start", title="learning rate")
	lrAx.ticklabel_format(axis="y", style="sci", scilimits=(-2, 3))
	lrAx.set_ylim(bottom=0)

	for ax in (lossAx, accAx, lrAx):
		epochAxis(ax, epochs)
		ax.grid(alpha=0.3)
	lossAx.legend()
	accAx.legend()
	fig.suptitle(title)
	fig.tight_layout()
	return fig


def plotTraining(history, path, title):
	save(trainingFigure(history, title), path)


def comparisonFigure(results, title):
	"""Training loss per epoch of every optimizer on one log-scale axis (one that never finished an epoch is left out)."""
	plt = pyplot()
	fig, ax = plt.subplots(figsize=(7.2, 4.4))
	allEpochs = []
	for name, history in results.items():
		epochs = [row["epoch"] for row in history]
		if epochs:
			curve(ax, epochs, [row["train_loss"] for row in history], label=name)
			allEpochs += epochs

	ax.set(ylabel="training cross-entropy", yscale="log", title=title)
	epochAxis(ax, allEpochs)
	ax.grid(alpha=0.3)
	ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
	fig.tight_layout()
	return fig


def plotComparison(results, path, title):
	save(comparisonFigure(results, title), path)


def trajectoryFigure(panels):
	"""One contour panel per test function with every optimizer's path, its start (open circle) and end (cross);
	panels: [(fn, {name: (steps, 2) array})]. One legend below the panels serves them all."""
	plt = pyplot()
	fig, axes = plt.subplots(1, len(panels), figsize=(5.4 * len(panels), 5.2), squeeze=False)
	colors = {}
	for ax, (fn, paths) in zip(axes[0], panels):
		(x0, x1), (y0, y1) = fn.xlim, fn.ylim
		X, Y = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
		Z = fn.value(X, Y)
		ax.contour(X, Y, np.log1p(Z - Z.min()), levels=15, cmap="Greys", linewidths=0.5)

		for name, points in paths.items():
			color = colors.setdefault(name, "C%d" % len(colors))
			ax.plot(points[:, 0], points[:, 1], "-", color=color, linewidth=1.2, alpha=0.9, label=name, clip_on=True)
			ax.plot(*points[-1], "X", color=color, markersize=8, markeredgecolor="white", clip_on=True)
		ax.plot(*fn.start, "o", markersize=9, markerfacecolor="none", markeredgecolor="black", markeredgewidth=1.5,
			label="start", clip_on=True)
		ax.plot(*fn.minimum, "*", color="gold", markeredgecolor="black", markersize=14, label="minimum", clip_on=True)
		# The paths that run away are cut at the window: the limits are fixed, not fitted to the data
		ax.set(xlim=fn.xlim, ylim=fn.ylim, xlabel="$x_1$", ylabel="$x_2$")
		ax.set_title("%s\n%s" % (fn.name, fn.title), fontsize=10)
		ax.set_autoscale_on(False)

	handles, labels = axes[0][0].get_legend_handles_labels()
	fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=10, frameon=False)
	fig.tight_layout(rect=(0, 0.07, 1, 1))
	return fig


def plotTrajectories(panels, path):
	save(trajectoryFigure(panels), path)


def save(fig, path):
	fig.savefig(path, dpi=80)
	pyplot().close(fig)
