"""The HDF5 files of modules, optimizers, schedules and checkpoints: written atomically, durably and with checksums.

Writing: `atomicWrite` writes a temporary file beside the target, fsyncs it, renames it into place and fsyncs the
directory, so a crash or a full disk keeps the previous file and a power cut cannot leave a renamed but empty
one. The temporary is named `.<name>.<pid>@<host>.<random>.tmp`; a writer killed with kill -9 leaves it behind,
and the next save into that directory removes it once that pid on this host is gone.

Integrity, two layers. The whole file: atomicWrite reserves a 512-byte HDF5 user block at its start and stamps
there a SHA-256 of everything after it; openForRead checks it before HDF5 parses a byte, because a damaged
file can crash the HDF5 library itself (a segmentation fault, seen with single-bit flips), not only make it
raise. The objects: every array is written by `writeArray`, which stores a SHA-256 digest of its dtype, shape and bytes
beside it; each saved object (module, optimizer, schedule, checkpoint) then calls `seal`, which stores a digest
of all its attributes, its arrays' digests and the names of everything in it. Loaders call `checkSeal` and
`readArray`, so a changed bit anywhere in the values, the hyperparameters or the layout is refused. Files of
version 1, written before the digests existed, carry none and load with the other checks only.

Reading: `openForRead` turns any error of h5py or of decoding a damaged file into a ValueError that names the
file and calls it corrupt, never a raw KeyError or OSError.
"""
import contextlib
import hashlib
import json
import os
import re
import socket
import tempfile

import h5py
import numpy as np

VERSION = 2  # version 1: the same layout without digests
DIGEST = "digest"

USERBLOCK = 512  # bytes before the HDF5 data, where the whole file's checksum goes (HDF5 skips them)
STAMP = b"framework.Files sha256 "
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

_TEMPORARY = re.compile(r"^\..+\.(\d+)@([A-Za-z0-9_-]+)\.[A-Za-z0-9_]+\.tmp$")


# --- writing -------------------------------------------------------------------------------------------

def hostTag():
	"""This host's name as it appears in temporary file names (characters outside [A-Za-z0-9-] become '_')."""
	return re.sub(r"[^A-Za-z0-9-]", "_", socket.gethostname()) or "host"


@contextlib.contextmanager
def atomicPath(path):
	"""Yields a temporary path beside `path` to write any file to; on success it replaces `path` durably, on error
	it is removed. atomicWrite builds on it for HDF5; other formats (an ONNX export) use it directly."""
	path = os.fspath(path)
	directory = os.path.dirname(os.path.abspath(path))
	os.makedirs(directory, exist_ok=True)
	removeStaleTemporaries(directory)

	prefix = ".%s.%d@%s." % (os.path.basename(path), os.getpid(), hostTag())
	fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
	os.close(fd)
	umask = os.umask(0)
	os.umask(umask)
	os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a checkpoint should get the usual permissions
	try:
		yield tmp
		# The data must be on disk before the rename, else a power cut can leave the new name on an empty file
		syncPath(tmp, os.O_RDONLY)
		os.replace(tmp, path)
		# ... and the rename itself is durable only once the directory entry is
		syncPath(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
	finally:
		if os.path.exists(tmp):
			os.remove(tmp)


@contextlib.contextmanager
def atomicWrite(path):
	"""Yields an open h5py.File for writing; on success it replaces `path` durably, on error it is removed."""
	with atomicPath(path) as tmp:
		with h5py.File(tmp, "w", userblock_size=USERBLOCK) as f:
			yield f
		stampFile(tmp)


def writeBytesAtomically(path, data):
	"""Replaces `path` by the bytes `data`, durably, keeping the previous file if anything fails."""
	with atomicPath(path) as tmp:
		with open(tmp, "wb") as f:
			f.write(data)


def stampFile(path):
	"""Writes the checksum of everything after the user block into the user block."""
	header = STAMP + fileDigest(path).encode() + b"\n"
	with open(path, "r+b") as f:
		f.write(header.ljust(USERBLOCK, b"\0"))


def fileDigest(path):
	h = hashlib.sha256()
	with open(path, "rb") as f:
		f.seek(USERBLOCK)
		for chunk in iter(lambda: f.read(1 << 20), b""):
			h.update(chunk)
	return h.hexdigest()


def checkFile(path, who):
	"""Verifies the whole-file checksum before HDF5 reads the file; False for files without one (version 1, other writers)."""
	with open(path, "rb") as f:
		head = f.read(USERBLOCK)
	if head.startswith(HDF5_SIGNATURE):
		return False
	if not head.startswith(STAMP):
		raise ValueError("%s: %r is corrupt or not a readable HDF5 file (no HDF5 signature and no checksum header)" % (who, path))
	stored = head[len(STAMP):len(STAMP) + 64]
	if stored != fileDigest(path).encode():
		raise ValueError("%s: %r is corrupt: the file fails its checksum" % (who, path))
	return True


def syncPath(path, flags):
	fd = os.open(path, flags)
	try:
		os.fsync(fd)
	finally:
		os.close(fd)


def removeStaleTemporaries(directory):
	"""Removes temporaries left by writers of this host that no longer run (killed mid-save), owned by this user."""
	host, uid = hostTag(), os.getuid()
	for name in os.listdir(directory):
		m = _TEMPORARY.match(name)
		if m is None or m.group(2) != host or int(m.group(1)) == os.getpid() or processAlive(int(m.group(1))):
			continue
		path = os.path.join(directory, name)
		try:
			if os.lstat(path).st_uid == uid:
				os.remove(path)
		except FileNotFoundError:
			pass  # another process removed it first


def processAlive(pid):
	try:
		os.kill(pid, 0)
	except ProcessLookupError:
		return False
	except PermissionError:
		return True  # someone else's process: alive
	return True


def arrayDigest(ary):
	"""SHA-256 of an array's dtype, shape and bytes."""
	ary = np.ascontiguousarray(ary)
	h = hashlib.sha256()
	h.update(json.dumps([ary.dtype.str, list(ary.shape)]).encode())
	h.update(ary.tobytes())
	return h.hexdigest()


def writeArray(group, name, ary):
	"""A dataset holding a host array, with its digest beside it."""
	ary = np.asarray(ary)
	dataset = group.create_dataset(name, data=ary)
	dataset.attrs[DIGEST] = arrayDigest(ary)
	return dataset


def writeJson(group, key, value):
	group.attrs[key] = json.dumps(value, sort_keys=True)


def seal(group):
	"""Stores the digest of everything a saved object holds; call it last, after the object is written."""
	group.attrs["version"] = VERSION
	group.attrs[DIGEST] = groupDigest(group)


def groupDigest(group):
	"""Digest of a group's attributes (the stored digest excluded) and, in name order, of every item in it.

	An array counts by its stored digest (readArray checks that against its bytes) or, without one, by its bytes;
	a sealed subgroup by its own digest (its loader checks it), any other subgroup by its content.
	"""
	h = hashlib.sha256()
	for key in sorted(group.attrs):
		if key != DIGEST:
			h.update(b"attr\0%s\0%s\0" % (key.encode("utf-8", "surrogateescape"), attrBytes(group.attrs[key])))
	for name in sorted(group):
		item = group[name]
		if isinstance(item, h5py.Dataset):
			# An array written without writeArray has no digest of its own: its bytes count here instead
			digest = item.attrs[DIGEST] if DIGEST in item.attrs else arrayDigest(item[()])
			h.update(b"array\0%s\0%s\0" % (name.encode("utf-8", "surrogateescape"), attrBytes(digest)))
		elif DIGEST in item.attrs:
			h.update(b"sealed\0%s\0%s\0" % (name.encode("utf-8", "surrogateescape"), attrBytes(item.attrs[DIGEST])))
		else:
			h.update(b"group\0%s\0%s\0" % (name.encode("utf-8", "surrogateescape"), groupDigest(item).encode()))
	return h.hexdigest()


def attrBytes(value):
	if isinstance(value, bytes):
		return b"b" + value
	if isinstance(value, str):
		return b"s" + value.encode("utf-8", "surrogateescape")
	value = np.asarray(value)
	return b"a" + json.dumps([value.dtype.str, list(value.shape)]).encode() + value.tobytes()


# --- reading -------------------------------------------------------------------------------------------

@contextlib.contextmanager
def openForRead(path, who):
	"""Opens an HDF5 file for reading; a missing file is a FileNotFoundError, a damaged or foreign one (here or
	in anything read from it inside the block) a ValueError naming `who` and the file."""
	path = os.fspath(path)
	if not os.path.exists(path):
		raise FileNotFoundError("%s: no such file %r" % (who, path))
	checkFile(path, who)
	try:
		f = h5py.File(path, "r")
	except OSError as e:
		raise ValueError("%s: %r is corrupt or not a readable HDF5 file (%s)" % (who, path, e)) from None

	with f:
		try:
			yield f
		except (OSError, KeyError, RuntimeError, TypeError, AttributeError, IndexError, OverflowError, UnicodeError) as e:
			# What h5py and numpy raise on a damaged file; the loaders' own checks raise ValueError and pass through
			raise ValueError("%s: %r is corrupt (%s: %s)" % (who, path, type(e).__name__, e)) from None


def sourceOf(group, source=None):
	"""The file name to put in messages about a group."""
	return source if source is not None else group.file.filename


def checkSeal(group, who, source):
	"""Verifies a saved object's digest; returns True when it has one, False for a version 1 file (no digests)."""
	version = group.attrs.get("version", 1)
	if DIGEST not in group.attrs:
		if version == 1:
			return False
		raise ValueError("%s: %r is corrupt: %s has version %r but no checksum" % (who, source, group.name, version))
	if version != VERSION:
		raise ValueError("%s: %r has version %r; this framework reads versions 1 and %d" % (who, source, version, VERSION))
	if attrBytes(group.attrs[DIGEST]) != attrBytes(groupDigest(group)):
		raise ValueError("%s: %r is corrupt: %s fails its checksum" % (who, source, group.name))
	return True


def readArray(dataset, sealed, who, source):
	"""A dataset's array, checked against its digest when the file has digests."""
	ary = dataset[()]
	if sealed and attrBytes(dataset.attrs.get(DIGEST, "")) != attrBytes(arrayDigest(ary)):
		raise ValueError("%s: %r is corrupt: %s fails its checksum" % (who, source, dataset.name))
	return ary


def readGroup(group, sealed, who, source):
	"""{dotted name: numpy array} for every dataset under an HDF5 group (names may contain dots, not slashes)."""
	return {name: readArray(group[name], sealed, who, source) for name in group}


def readJson(group, key, who, source):
	try:
		return json.loads(group.attrs[key])
	except ValueError as e:
		raise ValueError("%s: %r is corrupt: attribute %r of %s is not JSON (%s)" % (who, source, key, group.name, e)) from None


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
