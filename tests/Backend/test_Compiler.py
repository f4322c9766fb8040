"""The CPU kernel compiler and its on-disk cache: what may be loaded, corruption, the key, a missing compiler."""
import hashlib
import os
import stat
import subprocess
import sys
import textwrap

import pytest

from framework.Backend import Compilation
from framework.Backend.Compilation import CompilerError

Compiler = pytest.importorskip("framework.Backend.Cpu.Compiler")

PROBE = textwrap.dedent("""
	import numpy as np
	from framework.Backend import gpuarray
	from framework.Backend.Kernels import ElementwiseKernel
	from framework.Backend.Cpu import Compiler
	k = ElementwiseKernel("T *x", "x[i] += 1", "cacheProbe")
	x = gpuarray.zeros(3, np.float32)
	k(x)
	assert x.get().tolist() == [1, 1, 1]
	print(Compiler.compileCount)
""")

OTHER_UID = 54321


def runProbe(cacheDir, script=PROBE, **env):
	"""Runs script in a fresh interpreter with cacheDir as the kernel cache; returns the CompletedProcess."""
	env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), FRAMEWORK_CACHE_DIR=str(cacheDir), FRAMEWORK_BACKEND="cpu", **env)
	return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)


def compilesIn(cacheDir):
	"""How many compiles the probe kernel needed in a fresh process (asserting that the process succeeded)."""
	result = runProbe(cacheDir)
	assert result.returncode == 0, result.stderr
	return int(result.stdout.split()[-1])


def probeObject(cacheDir):
	objects = [name for name in os.listdir(cacheDir) if name.startswith("cacheProbe_") and name.endswith(".so")]
	assert len(objects) == 1, os.listdir(cacheDir)
	return os.path.join(cacheDir, objects[0])


@pytest.fixture
def cache(tmp_path):
	directory = tmp_path / "kernels"
	assert compilesIn(directory) == 1
	return directory


# --- the cache directory -------------------------------------------------------------------------------

def test_newCacheDirIsPrivate(monkeypatch, tmp_path):
	monkeypatch.setenv("FRAMEWORK_CACHE_DIR", str(tmp_path / "a" / "kernels"))
	old = os.umask(0)  # even with a permissive umask
	try:
		directory = Compiler.cacheDir()
	finally:
		os.umask(old)
	assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700


def test_worldWritableCacheDirIsRefused(monkeypatch, tmp_path):
	directory = tmp_path / "kernels"
	directory.mkdir()
	os.chmod(directory, 0o777)
	monkeypatch.setenv("FRAMEWORK_CACHE_DIR", str(directory))
	with pytest.raises(CompilerError, match=r"kernel cache .*kernels is refused: group or others may write to it \(mode 777\)"):
		Compiler.cacheDir()


def test_groupWritableCacheDirIsRefused(monkeypatch, tmp_path):
	directory = tmp_path / "kernels"
	directory.mkdir()
	os.chmod(directory, 0o770)
	monkeypatch.setenv("FRAMEWORK_CACHE_DIR", str(directory))
	with pytest.raises(CompilerError, match=r"mode 770"):
		Compiler.cacheDir()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a directory to another user needs root")
def test_cacheDirOfAnotherUserIsRefused(monkeypatch, tmp_path):
	directory = tmp_path / "kernels"
	directory.mkdir(mode=0o700)
	os.chown(directory, OTHER_UID, OTHER_UID)
	monkeypatch.setenv("FRAMEWORK_CACHE_DIR", str(directory))
	with pytest.raises(CompilerError, match=r"owned by uid %d, not by this user" % OTHER_UID):
		Compiler.cacheDir()


def test_refusedCacheDirIsOneLineInTheCli(tmp_path):
	directory = tmp_path / "kernels"
	directory.mkdir()
	os.chmod(directory, 0o777)
	script = "import sys; from framework.__main__ import main; sys.exit(main(['train', '--epochs', '1', '--subset', '64', '--out', %r]))" % (
		str(tmp_path / "out"))
	result = runProbe(directory, script)
	assert result.returncode != 0
	assert "Traceback" not in result.stderr
	lines = result.stderr.strip().splitlines()
	assert len(lines) == 1 and "is refused: group or others may write to it" in lines[0], result.stderr


def test_relativeXdgCacheHomeIsIgnored(monkeypatch, tmp_path):
	monkeypatch.delenv("FRAMEWORK_CACHE_DIR", raising=False)
	monkeypatch.setenv("HOME", str(tmp_path))
	monkeypatch.chdir(tmp_path)
	monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
	assert Compiler.cacheDir() == str(tmp_path / ".cache" / "framework" / "kernels")
	assert not (tmp_path / "relative-cache").exists()

	monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
	assert Compiler.cacheDir() == str(tmp_path / "xdg" / "framework" / "kernels")


# --- what is loaded from it ----------------------------------------------------------------------------

PLANTED = r"""
#include <stdio.h>
__attribute__((constructor)) static void planted(void)
{
	FILE *f = fopen("%s", "w");
	if (f) { fputs("planted code ran", f); fclose(f); }
}
void fw_cacheProbe(void) {}
"""


def plantObject(tmp_path, target):
	"""Overwrites target with a library whose constructor writes a marker file; returns the marker's path."""
	marker, source = tmp_path / "planted-ran", tmp_path / "planted.c"
	source.write_text(PLANTED % marker)
	subprocess.run([Compiler.compilerCommand(), "-shared", "-fPIC", "-o", target, str(source)], check=True)
	return marker


def test_plantedObjectIsNotLoaded(tmp_path, cache):
	marker = plantObject(tmp_path, probeObject(cache))
	assert compilesIn(cache) == 1  # rebuilt, since it does not match its digest
	assert not marker.exists()


@pytest.mark.parametrize("tamper", ["chmod", "chown"])
def test_objectOthersCouldWriteIsNotLoaded(tmp_path, cache, tamper):
	# Even with the right digest: a file someone else owns or may write could change after it was checked
	path = probeObject(cache)
	marker = plantObject(tmp_path, path)
	with open(path, "rb") as f:
		(cache / (os.path.basename(path) + ".sha256")).write_text(hashlib.sha256(f.read()).hexdigest() + "\n")

	if tamper == "chmod":
		os.chmod(path, 0o666)
	elif os.geteuid() == 0:
		os.chown(path, OTHER_UID, OTHER_UID)
	else:
		pytest.skip("giving a file to another user needs root")
	assert compilesIn(cache) == 1
	assert not marker.exists()


# Each corruption in a fresh process: before the digest, a half-truncated object died with SIGBUS.
@pytest.mark.parametrize("corruption", ["empty", "random", "half", "no digest", "bad digest"])
def test_corruptObjectIsRebuilt(cache, corruption):
	path = probeObject(cache)
	with open(path, "rb") as f:
		data = f.read()

	if corruption == "empty":
		open(path, "wb").close()
	elif corruption == "random":
		with open(path, "wb") as f:
			f.write(os.urandom(len(data)))  # noqa: the content is irrelevant, only that it is not ours
	elif corruption == "half":
		os.truncate(path, len(data) // 2)
	elif corruption == "no digest":
		os.remove(path + ".sha256")
	else:
		with open(path + ".sha256", "w") as f:
			f.write("0" * 64 + "\n")

	assert compilesIn(cache) == 1
	assert compilesIn(cache) == 0  # and the rebuilt object is trusted again
	with open(path, "rb") as f:
		assert len(f.read()) > 0


# --- the key -------------------------------------------------------------------------------------------

FAKE_CC = """#!/bin/sh
case "$*" in
	*--version*) echo "fakecc 1.0" ;;
	*-march=native*) printf '#define __x86_64__ 1\\n%s' ;;
	*) echo '#define __x86_64__ 1' ;;
esac
"""


def test_keyFollowsTheCompilersTargetNotTheCpuName(monkeypatch, tmp_path):
	fake = tmp_path / "cc"
	monkeypatch.setenv("CC", str(fake))
	keys = []
	for features in ("#define __AVX2__ 1\\n", "#define __AVX2__ 1\\n#define __AVX512F__ 1\\n", "#define __AVX2__ 1\\n"):
		fake.write_text(FAKE_CC % features)
		fake.chmod(0o755)
		Compiler.targetFeatures.cache_clear()  # a new target under the same path, on the same CPU (same model name)
		keys.append(Compiler.cacheKey("void f(void) {}"))
	Compiler.targetFeatures.cache_clear()
	assert keys[0] != keys[1] and keys[0] == keys[2]


def cpuFlags():
	try:
		with open("/proc/cpuinfo") as f:
			return next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
	except OSError:
		return []


@pytest.mark.skipif("avx2" not in cpuFlags(), reason="checks an x86 CPU with AVX2")
def test_targetFeaturesNameTheVectorUnits():
	version, *features = Compiler.targetFeatures(Compiler.compilerCommand()).splitlines()
	assert version and "#define __AVX2__ 1" in features
	assert ("#define __AVX512F__ 1" in features) == ("avx512f" in cpuFlags())


# --- a missing or failing compiler ---------------------------------------------------------------------

def assertOneLineWithLog(stderr, expected):
	lines = stderr.strip().splitlines()
	assert len(lines) == 1 and "Traceback" not in stderr, stderr
	assert expected in lines[0], lines[0]
	log = lines[0].rsplit(" in ", 1)[1].rstrip(")")
	with open(log) as f:
		text = f.read()
	assert "   1 | " in text
	return text


CLI = "import sys; from framework.__main__ import main; sys.exit(main(['train', '--epochs', '1', '--subset', '64', '--out', %r]))"


def test_missingCompilerIsOneLineWithLog(tmp_path):
	result = runProbe(tmp_path / "kernels", CLI % str(tmp_path / "out"), CC="/nonexistent")
	assert result.returncode != 0
	assertOneLineWithLog(result.stderr, "needs a C compiler with OpenMP, and '/nonexistent' was not found")


def test_failingCompilerIsOneLineWithLog(tmp_path):
	fake = tmp_path / "cc"
	fake.write_text(FAKE_CC.replace("esac", "esac\ncase \"$*\" in *-shared*) echo 'fake.c:3: error: the fake compiler refuses' >&2; exit 1 ;; esac")
		% "#define __AVX2__ 1\\n")
	fake.chmod(0o755)
	result = runProbe(tmp_path / "kernels", CLI % str(tmp_path / "out"), CC=str(fake))
	assert result.returncode != 0
	log = assertOneLineWithLog(result.stderr, "failed to compile: fake.c:3: error: the fake compiler refuses")
	assert "exit status 1" in log


def test_compileErrorNamesTheErrorAndLogsTheSource(monkeypatch, tmp_path):
	monkeypatch.setenv("FRAMEWORK_CACHE_DIR", str(tmp_path))
	with pytest.raises(CompilerError) as info:
		Compiler.load("void fw_broken(void) { undefined_symbol = 1; }", "testBrokenLog")
	message = str(info.value)
	assert "\n" not in message and "testBrokenLog failed to compile" in message and "undefined_symbol" in message
	with open(tmp_path / "testBrokenLog.log") as f:
		assert "   1 | void fw_broken" in f.read()


# --- compile time --------------------------------------------------------------------------------------

def test_compileTimeIsCountedAndAnnounced(monkeypatch, tmp_path):
	monkeypatch.setenv("FRAMEWORK_CACHE_DIR", str(tmp_path))
	notices = []
	Compilation.beforeNextCompile(lambda: notices.append(Compilation.compileSeconds()))
	before = Compilation.compileSeconds()
	Compiler.load("void fw_timed(void) {}", "testTimed")
	assert len(notices) == 1 and notices[0] == before  # told before compiling
	assert Compilation.compileSeconds() > before

	Compiler._loaded.clear()
	Compiler.load("void fw_timed(void) {}", "testTimed")  # from the cache: no compile, no notice, no time
	Compiler.load("void fw_timed2(void) {}", "testTimed2")
	assert len(notices) == 1
