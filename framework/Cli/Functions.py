"""2-D test functions with analytic gradients, for drawing optimizer paths."""
import numpy as np


class TestFunction:
	"""A named f(x1, x2) with its formula (matplotlib mathtext, the plot title), gradient, start point, minimum and plotted window."""

	def __init__(self, name, title, value, grad, start, minimum, xlim, ylim, steps, learnRates):
		self.name, self.title = name, title
		self.value, self.grad = value, grad
		self.start, self.minimum = start, minimum
		self.xlim, self.ylim = xlim, ylim
		self.steps, self.learnRates = steps, learnRates


def _quadratic(x, y):
	return 0.1 * x ** 2 + 2.0 * y ** 2


def _quadraticGrad(x, y):
	return np.array([0.2 * x, 4.0 * y])


def _rosenbrock(x, y):
	return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


def _rosenbrockGrad(x, y):
	return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x ** 2), 200.0 * (y - x ** 2)])


def _beale(x, y):
	return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def _bealeGrad(x, y):
	a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
	return np.array([
		2.0 * a * (y - 1.0) + 2.0 * b * (y ** 2 - 1.0) + 2.0 * c * (y ** 3 - 1.0),
		2.0 * a * x + 4.0 * b * x * y + 6.0 * c * x * y ** 2
	])


FUNCTIONS = {
	"quadratic": TestFunction(
		"quadratic", "$f = 0.1\\,x_1^2 + 2\\,x_2^2$", _quadratic, _quadraticGrad, (-5.0, -2.0), (0.0, 0.0), (-5.5, 1.5), (-2.5, 2.5), 50,
		{"SGD": 0.4, "MomentumSGD": 0.04, "NesterovSGD": 0.04, "Adam": 0.5, "AdaGrad": 1.0, "AdaDelta": 10.0,
			"RMSProp": 0.1, "RMSPropGraves": 0.05, "Rprop": 0.1, "SMORMS3": 0.3}
	),
	"rosenbrock": TestFunction(
		"rosenbrock", "$f = (1 - x_1)^2 + 100\\,(x_2 - x_1^2)^2$", _rosenbrock, _rosenbrockGrad, (-1.5, 2.0), (1.0, 1.0),
		(-2.0, 2.0), (-1.0, 3.0), 500,
		{"SGD": 1e-3, "MomentumSGD": 3e-4, "NesterovSGD": 3e-4, "Adam": 0.05, "AdaGrad": 0.5, "AdaDelta": 10.0,
			"RMSProp": 0.01, "RMSPropGraves": 0.003, "Rprop": 0.01, "SMORMS3": 0.02}
	),
	"beale": TestFunction(
		"beale", "$f = (1.5 - x_1 + x_1 x_2)^2 + (2.25 - x_1 + x_1 x_2^2)^2 + (2.625 - x_1 + x_1 x_2^3)^2$", _beale, _bealeGrad, (1.0, 1.5), (3.0, 0.5), (-1.0, 4.5), (-1.5, 2.0), 500,
		{"SGD": 0.01, "MomentumSGD": 0.002, "NesterovSGD": 0.002, "Adam": 0.05, "AdaGrad": 0.5, "AdaDelta": 10.0,
			"RMSProp": 0.01, "RMSPropGraves": 0.005, "Rprop": 0.01, "SMORMS3": 0.05}
	),
}
