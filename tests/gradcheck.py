"""Finite-difference gradient checks for modules and costs (run them in float64)."""
import numpy as np

from framework.Backend import gpuarray


def _toHost(x):
	return [a.get() for a in x] if isinstance(x, list) else x.get()


def _scalarLoss(out, weights):
	"""sum(out * weights) over one array or a list of arrays."""
	if isinstance(out, list):
		return sum(float((o.get() * w).sum()) for o, w in zip(out, weights))
	return float((out.get() * weights).sum())


def _randomLike(out, rng):
	if isinstance(out, list):
		return [rng.standard_normal(o.shape) for o in out]
	return rng.standard_normal(out.shape)


def _numeric(f, array, eps):
	"""Central differences of the scalar f() with respect to every element of the device array."""
	host = array.get()
	flat = host.reshape(-1)
	result = np.empty(flat.size)
	for k in range(flat.size):
		old = flat[k]
		flat[k] = old + eps
		array.set(host)
		plus = f()
		flat[k] = old - eps
		array.set(host)
		minus = f()
		flat[k] = old
		result[k] = (plus - minus) / (2 * eps)
	array.set(host)
	return result.reshape(host.shape)


def checkModuleGrad(module, data, rng, eps=1e-6, rtol=1e-5, atol=1e-7):
	"""Checks module.backward's input gradient and every parameter gradient against central differences.

	`data` is a float64 device array or a list of them; the loss is sum(output * W) for a random fixed W.
	"""
	out = module(data)
	weights = _randomLike(out, rng)
	gradOut = [gpuarray.to_gpu(w) for w in weights] if isinstance(weights, list) else gpuarray.to_gpu(weights)

	for var in module.getVarTable():
		var.grad.fill(0)
	module(data)
	inGrad = _toHost(module.backward(gradOut))
	paramGrads = {var: var.grad.get() for var in module.getVarTable()}

	def loss():
		return _scalarLoss(module(data), weights)

	inputs = data if isinstance(data, list) else [data]
	analytic = inGrad if isinstance(data, list) else [inGrad]
	for k, (x, g) in enumerate(zip(inputs, analytic)):
		np.testing.assert_allclose(g, _numeric(loss, x, eps), rtol=rtol, atol=atol, err_msg="input %d gradient" % k)

	for var, names in module.getVarTable().items():
		np.testing.assert_allclose(
			paramGrads[var], _numeric(loss, var.data, eps), rtol=rtol, atol=atol, err_msg="gradient of %s" % names[0]
		)


def checkCostGrad(cost, pred, target, eps=1e-6, rtol=1e-5, atol=1e-8):
	"""Checks that cost(pred, target)'s grad is the derivative of its error."""
	_, grad = cost(pred, target)
	analytic = grad.get()

	def loss():
		error, _ = cost(pred, target)
		return float(error)

	np.testing.assert_allclose(analytic, _numeric(loss, pred, eps), rtol=rtol, atol=atol)
