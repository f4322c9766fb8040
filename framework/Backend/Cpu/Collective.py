"""Hands a CPU array's memory to a collective (MPI) operation: the numpy buffer itself, no copy."""


def collectiveInPlace(ary, collective, deviceAware=False):
	"""Runs collective(buffer) on ary's own memory; whatever it writes there is the result (deviceAware is moot)."""
	collective(ary._data)
