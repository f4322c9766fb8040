"""Kernel compilation as the code above the backend sees it, whichever backend compiles.

A kernel is compiled the first time it is used on a machine (later runs load it from a cache), which can take
seconds. A program that times its work asks `compileSeconds()` before and after and leaves the difference out,
and can show a notice (`beforeNextCompile`) so that a slow first run does not look like a hang.
"""
import contextlib
import time


class CompilerError(RuntimeError):
	"""A kernel could not be built or loaded: no compiler, a failed compile, or an unsafe kernel cache.

	The message is one line, naming the log file that holds the source and the compiler's output when there is one.
	"""


_seconds = 0.0
_noticeListeners = []


def compileSeconds():
	"""Seconds this process has spent compiling kernels so far."""
	return _seconds


def beforeNextCompile(listener):
	"""Calls listener() once, just before the next kernel compile of this process (never if nothing compiles)."""
	if not callable(listener):
		raise TypeError("Compilation.beforeNextCompile: expected a callable, got %r" % (listener, ))
	_noticeListeners.append(listener)


@contextlib.contextmanager
def timed():
	"""The context a backend compiles in: notifies the waiting listeners, then adds its duration to compileSeconds()."""
	global _seconds
	listeners = _noticeListeners[:]
	del _noticeListeners[:]
	for listener in listeners:
		listener()
	start = time.perf_counter()
	try:
		yield
	finally:
		_seconds += time.perf_counter() - start
