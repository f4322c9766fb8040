"""Shared fixtures: tests run on the backend FRAMEWORK_BACKEND selects (CPU in CI, CUDA on a GPU machine).

FRAMEWORK_TEST_TIMEOUT=S fails every test whose setup, call or teardown runs longer than S seconds (unset: no
limit). It is for runs with a fixed time budget (bench/gpu_check.sh on a GPU machine): a test that hangs there
must fail with its name, not take the rest of the run with it. pytest-timeout would do this as a new dependency;
SIGALRM in the main thread is all it needs.
"""
import os
import signal

import numpy as np
import pytest

from framework import Config



TIMEOUT_VARIABLE = "FRAMEWORK_TEST_TIMEOUT"


def timeoutFromEnvironment():
	"""Seconds from FRAMEWORK_TEST_TIMEOUT, or None where it is unset or empty."""
	text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
	if not text:
		return None
	try:
		seconds = float(text)
	except ValueError:
		seconds = None
	if seconds is None or not seconds > 0 or seconds == float("inf"):
		raise pytest.UsageError("%s: expected a positive number of seconds, got %r" % (TIMEOUT_VARIABLE, text))
	if not hasattr(signal, "setitimer"):
		raise pytest.UsageError("%s needs SIGALRM (a POSIX system)" % TIMEOUT_VARIABLE)
	return seconds


_timeoutKey = pytest.StashKey()


def pytest_configure(config):
	config.stash[_timeoutKey] = timeoutFromEnvironment()


def _limited(item, phase):
	"""Arms SIGALRM for one phase of one test; the handler raises in the main thread, inside the test's code."""
	seconds = item.config.stash.get(_timeoutKey, None)
	if seconds is None:
		yield
		return

	def expired(signum, frame):
		pytest.fail("%s: %s took longer than %s=%g s" % (item.nodeid, phase, TIMEOUT_VARIABLE, seconds), pytrace=True)

	previous = signal.signal(signal.SIGALRM, expired)
	signal.setitimer(signal.ITIMER_REAL, seconds)
	try:
		yield
	finally:
		signal.setitimer(signal.ITIMER_REAL, 0)
		signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
	yield from _limited(item, "setup")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
	yield from _limited(item, "the test")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
	yield from _limited(item, "teardown")


def pytest_report_header(config):
	seconds = config.stash.get(_timeoutKey, None)
	limit = "" if seconds is None else "; %s=%g s per test phase" % (TIMEOUT_VARIABLE, seconds)
	return "framework backend: %s%s" % (Config.getBackend(), limit)


@pytest.fixture(params=[np.float32, np.float64], ids=["float32", "float64"])
def dtype(request):
	return np.dtype(request.param)


@pytest.fixture
def rng():
	return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _seeded():
	Config.setSeed(1234)
	yield


def pytest_collection_modifyitems(config, items):
	if Config.getBackend() != "cuda":
		skip = pytest.mark.skip(reason="needs the CUDA backend (FRAMEWORK_BACKEND=cuda on a GPU machine)")
		for item in items:
			if "cuda" in item.keywords:
				item.add_marker(skip)
