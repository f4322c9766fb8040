"""HDF5 files written atomically: a temporary file in the same directory, renamed into place.

A crash mid-write leaves the previous checkpoint intact, never a half-written one.
"""
import contextlib
import os
import tempfile

import h5py


@contextlib.contextmanager
def atomicWrite(path):
	"""Yields an open h5py.File for writing; on success it replaces `path`, on error it is removed."""
	path = os.fspath(path)
	directory = os.path.dirname(os.path.abspath(path))
	os.makedirs(directory, exist_ok=True)

	fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
	os.close(fd)
	umask = os.umask(0)
	os.umask(umask)
	os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a checkpoint should get the usual permissions
	try:
		with h5py.File(tmp, "w") as f:
			yield f
		os.replace(tmp, path)
	finally:
		if os.path.exists(tmp):
			os.remove(tmp)


@contextlib.contextmanager
def openForRead(path, who):
	"""Opens an HDF5 file for reading; a missing, truncated or foreign file is a ValueError naming `who`."""
	path = os.fspath(path)
	if not os.path.exists(path):
		raise FileNotFoundError("%s: no such file %r" % (who, path))
	try:
		f = h5py.File(path, "r")
	except OSError as e:
		raise ValueError("%s: %r is not a readable HDF5 file (%s)" % (who, path, e)) from None

	with f:
		yield f


def readGroup(group):
	"""{dotted name: numpy array} for every dataset under an HDF5 group (names may contain dots, not slashes)."""
	return {name: group[name][()] for name in group}


def compareEntries(kind, expected, saved):
	"""Lists every difference between {name: device array} and {name: numpy array} read from a file."""
	problems = ["missing %s %r" % (kind, name) for name in expected if name not in saved]
	problems += ["unexpected %s %r" % (kind, name) for name in saved if name not in expected]

	for name, current in expected.items():
		if name not in saved:
			continue
		value = saved[name]
		if tuple(current.shape) != tuple(value.shape):
			problems.append("%s %r: expected shape %s, file has %s" % (kind, name, tuple(current.shape), tuple(value.shape)))
		elif current.dtype != value.dtype:
			problems.append("%s %r: expected dtype %s, file has %s" % (kind, name, current.dtype, value.dtype))
	return problems
