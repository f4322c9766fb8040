"""repr of modules and containers (the constructor call, containers nested) and net.summary()."""
import numpy as np
import pytest

from framework.Backend import gpuarray
from framework.Containers import Graph, Parallel, Sequential
from framework.Modules import Activation, Add, Conv2D, Flatten, Linear, MaxPool2D, Split, relu


def test_moduleReprIsItsConstructorCall():
	assert repr(Linear(3, 4)) == "Linear(3, 4, useBias=True, initscheme='xavier')"
	assert repr(Linear(3, 4, useBias=False, name="head")) == "Linear(3, 4, useBias=False, initscheme='xavier', name='head')"
	assert repr(Activation(relu)) == "Activation('relu')"
	assert repr(MaxPool2D(3, stride=2)) == "MaxPool2D(size=3, stride=2, pad=0)"
	assert repr(Conv2D(1, 6, 5)).startswith("Conv2D(1, 6, 5, stride=1, pad=0")


def test_containerReprNestsItsChildren():
	inner = Sequential(name="block").extend([Linear(4, 4), Activation(relu)])
	net = Sequential().extend([Linear(3, 4), inner])
	assert repr(net) == "\n".join([
		"Sequential(",
		"  Linear0: Linear(3, 4, useBias=True, initscheme='xavier')",
		"  block: Sequential(name='block',",
		"    Linear0: Linear(4, 4, useBias=True, initscheme='xavier')",
		"    Activation1: Activation('relu')",
		"  )",
		")",
	])


def twoInputGraph():
	left, right = Linear(6, 8).node(), Linear(4, 8).node()
	added = Add().node(left, right)
	return Graph([left, right], Linear(8, 3).node(Activation(relu).node(added)))


def test_graphReprNamesEachNodesParents():
	lines = repr(twoInputGraph()).splitlines()
	assert lines[0] == "Graph("
	assert lines[-1] == ")"
	assert "  Add2: Add() <- Linear0, Linear1" in lines
	assert any(line.startswith("  Linear0: Linear(6, 8") and line.endswith("<- input 0") for line in lines)


def test_summaryFromAnInputShape():
	net = Sequential().extend([Conv2D(1, 6, 5), Activation(relu), MaxPool2D(2), Flatten(), Linear(6 * 12 * 12, 10)])
	table = net.summary((64, 1, 28, 28))
	lines = table.splitlines()
	assert lines[0].split() == ["name", "type", "output", "shape", "parameters"]
	rows = {line.split()[0]: line for line in lines[2:-2]}
	assert list(rows) == ["Conv2D0", "Activation1", "MaxPool2D2", "Flatten3", "Linear4"]
	assert "(64, 6, 24, 24)" in rows["Conv2D0"] and rows["Conv2D0"].split()[-1] == "156"
	assert "(64, 864)" in rows["Flatten3"] and rows["Flatten3"].split()[-1] == "0"
	assert rows["Linear4"].split()[-1] == "8650"
	assert lines[-1].split()[0] == "total" and lines[-1].split()[-1] == str(net.numOfParams()) == "8806"


def test_summaryOfAGraphAndNestedContainersAfterAForward(rng):
	graph = twoInputGraph()
	net = Sequential().extend([Linear(5, 6), Split(axis=1, sections=[4, 2]), Parallel().extend([Linear(4, 2), Linear(2, 2)])])
	with pytest.raises(ValueError, match="Sequential.summary: give an input shape or run a forward pass first"):
		net.summary()
	net(gpuarray.to_gpu(rng.standard_normal((7, 5)).astype(np.float32)))
	lines = net.summary().splitlines()
	assert any(line.split()[0] == "Parallel2.Linear0" and "(7, 2)" in line for line in lines)
	assert any(line.split()[0] == "Split1" and "[(7, 4), (7, 2)]" in line for line in lines)

	lines = graph.summary([(3, 6), (3, 4)]).splitlines()
	rows = {line.split()[0]: line for line in lines[2:-2]}
	assert "(3, 8)" in rows["Add2"] and "(3, 3)" in rows["Linear4"]
	assert graph.dataShapeFrom([(3, 6), (3, 4)]) == (3, 3)
