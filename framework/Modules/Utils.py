"""Argument checks shared by the layers (no public classes here)."""
import numbers


def checkInt(who, name, value, minimum):
	if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
		raise ValueError("%s: %s must be an int >= %d, got %r" % (who, name, minimum, value))
	return int(value)


def checkPositiveInt(who, name, value):
	return checkInt(who, name, value, 1)


def pairOf(who, name, value, minimum):
	"""An int or a pair of ints (height, width), each >= minimum, as a tuple of two ints."""
	if isinstance(value, (tuple, list)):
		if len(value) != 2:
			raise ValueError("%s: %s must be an int or a pair (h, w), got %r" % (who, name, value))
		return tuple(checkInt(who, name, v, minimum) for v in value)
	v = checkInt(who, name, value, minimum)
	return v, v


def convOutSize(size, kernel, stride, pad, dilation=1):
	"""floor((size + 2 pad - dilation (kernel - 1) - 1) / stride) + 1, as in torch (ceil_mode=False)."""
	return (size + 2 * pad - dilation * (kernel - 1) - 1) // stride + 1
