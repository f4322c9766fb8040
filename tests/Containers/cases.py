"""Registry of every public container: name -> build(rng) -> (container, float64 host input or list of them).

A test fails when framework.Containers exports a container missing here.
"""
from framework.Containers import Graph, Parallel, Sequential
from tests.Containers.toys import Affine, Cat, Halves, Plus, Tanh


def buildSequential(rng):
	net = Sequential().extend([Affine(4, seed=1), Tanh(), Affine(4, seed=2)])
	return net, rng.standard_normal((3, 4))


def buildGraph(rng):
	"""x -> Affine -> Halves -> (Tanh(h0), h1, Affine(h1)) -> Cat(Plus(Tanh(h0), h1), Affine(h1)); fan-out on h1."""
	inp = Affine(6, name="inp", seed=1).node()
	halves = Halves().node(inp)
	left = Tanh().node((halves, 0))
	right = Affine(3, seed=2).node((halves, 1))
	merged = Plus().node(left, (halves, 1))
	out = Cat().node(merged, right)
	return Graph(inputs=inp, outputs=out), rng.standard_normal((2, 6))


def buildParallel(rng):
	net = Parallel().extend([Affine(3, seed=1), Tanh()])
	return net, [rng.standard_normal((2, 3)), rng.standard_normal((2, 5))]


CONTAINER_CASES = {
	"Sequential": buildSequential,
	"Graph": buildGraph,
	"Parallel": buildParallel,
}
