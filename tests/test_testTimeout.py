"""FRAMEWORK_TEST_TIMEOUT (tests/conftest.py): a test that runs too long fails with its name; unset, no limit.

Each case runs pytest in a child process on a tiny test file beside a copy of the real conftest.py.
"""
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]

SPINNING = '''
import signal


def test_spins():
	while True:
		pass


def test_fastPassesUnderTheLimit():
	assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 1
'''

UNLIMITED = '''
import signal


def test_noAlarmArmed():
	assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
'''


def runChild(tmp_path, source, timeout):
	shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
	(tmp_path / "test_child.py").write_text(source)
	env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
	env["FRAMEWORK_BACKEND"] = "cpu"
	env.pop("FRAMEWORK_TEST_TIMEOUT", None)
	if timeout is not None:
		env["FRAMEWORK_TEST_TIMEOUT"] = timeout
	# the child's own limit is 1 s; 120 s only guards this test against a child that never stops
	return subprocess.run(
		[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
		cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120,
	)


def test_aTestOverTheLimitFailsWithItsName(tmp_path):
	result = runChild(tmp_path, SPINNING, "1")
	out = result.stdout + result.stderr
	assert result.returncode == 1, out
	assert "1 failed, 1 passed" in out, out
	assert "test_child.py::test_spins: the test took longer than FRAMEWORK_TEST_TIMEOUT=1 s" in out, out


def test_unsetArmsNothing(tmp_path):
	result = runChild(tmp_path, UNLIMITED, None)
	assert result.returncode == 0, result.stdout + result.stderr
	assert "1 passed" in result.stdout


def test_aBadValueIsAUsageError(tmp_path):
	result = runChild(tmp_path, UNLIMITED, "soon")
	out = result.stdout + result.stderr
	assert result.returncode == 4, out
	assert "FRAMEWORK_TEST_TIMEOUT: expected a positive number of seconds, got 'soon'" in out, out
