"""Elementwise activations: relu, leakyRelu (slope 0.01), sigmoid, tanh, elu (alpha 1), softPlus, gelu (exact erf form)."""
from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel
from framework.Modules.Module import Module

relu, leakyRelu, sigmoid, tanh, elu, softPlus, gelu = "relu", "leakyRelu", "sigmoid", "tanh", "elu", "softPlus", "gelu"


def _forward(name, expression):
	return ElementwiseKernel("T *y, const T *x", "T v = x[i]; y[i] = %s" % expression, name + "Forward")


def _backward(name, expression):
	# v is the input, u the output and g the incoming gradient at index i
	return ElementwiseKernel(
		"T *dx, const T *grad, const T *x, const T *y", "T v = x[i], u = y[i], g = grad[i]; dx[i] = %s" % expression,
		name + "Backward"
	)


# name: (forward y(v), backward dL/dv from v, u = y(v) and g = dL/du).
# NaN propagates as IEEE arithmetic would: a comparison with NaN is false, so the piecewise forms test `v != v`
# (NaN) explicitly where the false branch would give a finite number, and a zero slope is written `0 * g` so that a
# NaN gradient stays NaN. The selects still vectorise; the compiler flags never assume finite math.
KERNELS = {
	relu: (
		_forward("relu", "v > 0 || v != v ? v : (T)0"), _backward("relu", "v > 0 ? g : (v != v ? v : (T)0 * g)")
	),
	leakyRelu: (
		_forward("leakyRelu", "v > 0 ? v : 0.01 * v"), _backward("leakyRelu", "v > 0 ? g : (v != v ? v : 0.01 * g)")
	),
	sigmoid: (_forward("sigmoid", "1.0 / (1.0 + expf(-v))"), _backward("sigmoid", "g * u * (1.0 - u)")),
	tanh: (_forward("tanh", "tanhf(v)"), _backward("tanh", "g * (1.0 - u * u)")),
	elu: (_forward("elu", "v > 0 ? v : expm1f(v)"), _backward("elu", "v > 0 ? g : g * (u + 1.0)")),
	# torch's threshold: above 20, log(1 + e^v) equals v to working precision
	softPlus: (
		_forward("softPlus", "v > 20.0 ? v : log1pf(expf(v))"), _backward("softPlus", "v > 20.0 ? g : g / (1.0 + expf(-v))")
	),
	gelu: (
		_forward("gelu", "0.5 * v * (1.0 + erff(v * 0.7071067811865476))"),
		_backward("gelu", "g * (0.5 * (1.0 + erff(v * 0.7071067811865476)) + v * 0.3989422804014327 * expf(-0.5 * v * v))")
	),
}


class Activation(Module):
	"""y = f(x) elementwise; Activation(activation, name=None) with activation one of
	relu, leakyRelu, sigmoid, tanh, elu, softPlus, gelu (constants of framework.Modules).

	relu max(x, 0); leakyRelu x or 0.01x; sigmoid 1/(1+e^-x); tanh; elu x or e^x - 1 (alpha 1);
	softPlus log(1 + e^x) (x above 20: x); gelu x Phi(x) = 0.5x(1 + erf(x/sqrt 2)).
	"""

	def __init__(self, activation, name=None):
		super().__init__(name)
		if not isinstance(activation, str) or activation not in KERNELS:
			raise ValueError("%s: activation must be one of %s, got %r" % (self.describe(), ", ".join(KERNELS), activation))
		self.activation = activation
		self.forwardKernel, self.backwardKernel = KERNELS[activation]


	def updateData(self, data):
		out = gpuarray.empty_like(data)
		self.forwardKernel(out, data)
		return out


	def updateGrad(self, grad):
		dx = gpuarray.empty_like(grad)
		self.backwardKernel(dx, grad, self.inData, self.data)
		return dx
