"""The nets the main job trains: an MLP on flat pixels and a small CNN on (1, H, W) images."""
from framework.Cli.CliError import CliError

MLP_HIDDEN = (128, 64)


def buildNet(kind, inshape, classes=10, hidden=MLP_HIDDEN):
	"""mlp: Linear-ReLU blocks of `hidden` sizes then Linear to classes; cnn: two conv-relu-pool blocks, then Linear."""
	from framework.Containers.Sequential import Sequential
	from framework.Modules.Activation import Activation
	from framework.Modules.Linear import Linear

	net = Sequential()
	if kind == "mlp":
		size = inshape[0]
		for width in hidden:
			net.extend([Linear(size, width), Activation("relu")])
			size = width
		net.append(Linear(size, classes))

	elif kind == "cnn":
		from framework.Modules.Conv2D import Conv2D
		from framework.Modules.Flatten import Flatten
		from framework.Modules.MaxPool2D import MaxPool2D

		maps, height, width = inshape
		for outmaps in (16, 32):
			net.extend([Conv2D(maps, outmaps, 3, pad=1), Activation("relu"), MaxPool2D(2)])
			maps, height, width = outmaps, height // 2, width // 2
		net.extend([Flatten(), Linear(maps * height * width, classes)])

	elif kind == "lstm":
		from framework.Cli.Sequences import buildLstm
		return buildLstm(inshape, classes)

	else:
		raise CliError("unknown net %r; choose mlp, cnn or lstm" % (kind, ))
	return net
