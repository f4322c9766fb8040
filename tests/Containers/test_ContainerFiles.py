"""Saving and loading containers: dotted names, every mismatch named, bad files leave the net untouched."""
import numpy as np
import pytest

from framework.Containers import Graph, Sequential
from tests.Containers.toys import Affine, Plus, Tanh


def build(width=3, extra=False):
	inner = Sequential(name="block").extend([Affine(width, name="fc", seed=5), Tanh()])
	net = Sequential().extend([Affine(width, seed=1), inner])
	if extra:
		net.append(Affine(width, name="more", seed=7))
	return net


def values(net):
	return {names[0]: var.data.get() for var, names in net.getVarTable().items()}


def randomise(net, rng):
	for var in net.getVarTable():
		var.set(rng.standard_normal(var.shape).astype(var.dtype))


def test_roundTripWithDottedNames(tmp_path, rng):
	net = build()
	randomise(net, rng)
	net.save(tmp_path / "net.h5")

	fresh = build()
	assert sorted(values(fresh)) == ["Affine0.W", "Affine0.b", "block.fc.W", "block.fc.b"]
	fresh.load(tmp_path / "net.h5")
	for name, value in values(net).items():
		np.testing.assert_array_equal(values(fresh)[name], value)


def test_graphRoundTrip(tmp_path, rng):
	def graph():
		a = Affine(2, name="a").node()
		return Graph(inputs=a, outputs=Plus().node(Affine(2, seed=3).node(a), Tanh().node(a)))

	net = graph()
	randomise(net, rng)
	net.save(tmp_path / "g.h5")
	fresh = graph()
	fresh.load(tmp_path / "g.h5")
	assert sorted(values(fresh)) == ["Affine1.W", "Affine1.b", "a.W", "a.b"]
	for name, value in values(net).items():
		np.testing.assert_array_equal(values(fresh)[name], value)


def test_missingExtraAndMisShapedAreNamed(tmp_path, rng):
	build().save(tmp_path / "small.h5")
	build(extra=True).save(tmp_path / "big.h5")
	build(width=4).save(tmp_path / "wide.h5")

	net = build(extra=True)
	before = values(net)
	with pytest.raises(ValueError, match="missing variable 'more.W'") as info:
		net.load(tmp_path / "small.h5")
	assert "missing variable 'more.b'" in str(info.value)

	small = build()
	with pytest.raises(ValueError, match="unexpected variable 'more.W'"):
		small.load(tmp_path / "big.h5")

	with pytest.raises(ValueError, match=r"variable 'block.fc.W': expected shape \(3,\), file has \(4,\)"):
		build().load(tmp_path / "wide.h5")

	for name, value in values(net).items():
		np.testing.assert_array_equal(value, before[name])


@pytest.mark.parametrize("content", [b"not an hdf5 file at all", None], ids=["foreign", "truncated"])
def test_badFileIsAClearErrorAndChangesNothing(tmp_path, content):
	path = tmp_path / "bad.h5"
	if content is None:
		build().save(path)
		data = path.read_bytes()
		path.write_bytes(data[:len(data) // 3])
	else:
		path.write_bytes(content)

	net = build()
	before = values(net)
	with pytest.raises(ValueError, match="is corrupt"):
		net.load(path)
	for name, value in values(net).items():
		np.testing.assert_array_equal(value, before[name])


def test_savedNamesAreStableAcrossProcesses(tmp_path):
	"""Default names come from construction order alone, so a checkpoint from another process loads."""
	import subprocess
	import sys

	path = tmp_path / "other.h5"
	code = (
		"from tests.Containers.test_ContainerFiles import build; build().save(%r)" % str(path)
	)
	subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
	build().load(path)


def test_attributesTravelWithDottedNames(tmp_path, rng):
	from framework.Backend import gpuarray
	from framework.Modules import BatchNorm1D, Linear

	def net():
		return Sequential().extend([Linear(3, 4, name="fc"), Sequential(name="block").extend([BatchNorm1D(4, name="bn")])])

	a = net()
	a(gpuarray.to_gpu(rng.standard_normal((8, 3)).astype(np.float32)))  # training pass moves the running statistics
	assert sorted(a.getAttrTable()) == ["block.bn.mean", "block.bn.var"]
	a.save(tmp_path / "bn.h5")

	b = net()
	b.load(tmp_path / "bn.h5")
	for name, ary in a.getAttrTable().items():
		assert np.abs(ary.get() - np.array([0, 1][name.endswith("var")])).max() > 0
		np.testing.assert_array_equal(b.getAttrTable()[name].get(), ary.get())
