"""The documentation is tested like code: API pages against the real signatures, every example executed.

* Every public class of the framework packages has a page under docs/api/, and every page there documents
  a class or function that exists.
* An API page has the sections Description, Math, Initializing, Parameters, Explanations, Examples; its
  signature and its Parameters table match inspect.signature (names, order, defaults), its Parent and
  Derived lines match the class hierarchy.
* Every ```python block in docs/ runs: the blocks of one page share a namespace, in order, in a fresh
  working directory. Blocks that must not run carry `<!-- docs-test: skip reason -->`, and their number
  per page is pinned below, so a block cannot silently drop out of the test.
* Every picture a page shows is an output of docs/gen_images.py.
"""
import inspect
import os
import pathlib
import re
import subprocess
import sys

import pytest

from tests.docs_helpers import (
	API, DOCS, MODULE_PAGES, OVERVIEWS, REQUIRED, ROOT, SECTIONS, apiPages, blocks, moduleFunctions, objectFor,
	pagePath, pages, parseSignature, parseTable, publicClasses, publicObjects, publicParent, realSignature, relname,
	requirements, sameDefault, sections, unquote
)

# Blocks that are shown but not executed, per page, and why.
EXPECTED_SKIPS = {
	"guides/backends.md": 1,  # selects the CUDA backend, which needs a GPU
}

# Pages whose examples need an optional extra (skipped where it is not installed).
EXPECTED_REQUIRES = {
	"guides/getting-started.md": ["sklearn"],  # loadDigits reads scikit-learn's bundled digits
	"guides/deploying.md": ["sklearn", "onnx", "onnxruntime"],  # the digits, exported and run by ONNX Runtime
	"api/Converter/exportOnnx.md": ["onnx", "onnxruntime"],  # the "onnx" extra
	"api/Datasets/loadDigits.md": ["sklearn"],
	"api/Datasets/loadDigitSequences.md": ["sklearn"],
	"api/Distributed/NodeInfo.md": ["mpi4py"],  # the mpi extra
	"guides/distributed.md": ["mpi4py"],
}

# A standalone block runs in a fresh interpreter; pinned too, so none is lost.
EXPECTED_STANDALONE = {
	"guides/custom-optimizer.md": 1,  # the tutorial's complete file, copied as a reader would
	"guides/distributed.md": 1,  # the data-parallel training script, run here as one process
}


def _pythonBlocks(page):
	return [b for b in blocks(page) if b.lang == "python"]


def _isSignature(block):
	return block.page.startswith("api/") and block.page not in OVERVIEWS and block.section == "Initializing"


# --- coverage -------------------------------------------------------------------------------------------

def test_everyPublicClassAndFunctionHasAPage():
	documented = {relname(p) for p in apiPages()}
	missing = sorted(path for path in publicObjects() if path not in documented)
	assert not missing, "public classes or functions without a page (write docs/%s)" % ", docs/".join(missing)


def test_theReferenceIndexLinksEveryApiPage():
	text = (API / "index.md").read_text(encoding="utf-8")
	linked = {(API / target).resolve() for target in re.findall(r"\]\(([^)#]+\.md)\)", text)}
	missing = sorted(relname(p) for p in apiPages() if p.resolve() not in linked)
	assert not missing, "docs/api/index.md does not link %s" % missing


def test_theDatasetsVariableAndConfigAreCovered():
	# The coverage test is only as good as the list of packages it walks
	public = publicObjects()
	for path in ("api/Variable.md", "api/Datasets/loadDigits.md", "api/Datasets/loadMnist.md", "api/Datasets/oneHot.md"):
		assert path in public, "%s is not treated as public" % path
	assert (API / "Config.md").exists()


@pytest.mark.parametrize("page, module", sorted(MODULE_PAGES.items()))
def test_modulePageListsEveryFunctionWithItsSignature(page, module):
	text = (DOCS / page).read_text(encoding="utf-8")
	listed = dict(re.findall(r"^### `(\w+)(\(.*\))`$", text, flags=re.M))
	functions = moduleFunctions(module)
	assert sorted(listed) == sorted(functions), "%s lists %s, %s defines %s" % (page, sorted(listed), module, sorted(functions))
	for name, fn in functions.items():
		assert listed[name] == str(inspect.signature(fn)), "%s: %s%s in the code, the page says %s" % (
			page, name, inspect.signature(fn), listed[name]
		)
	assert (API / "index.md").read_text(encoding="utf-8").count("(%s)" % pathlib.PurePosixPath(page).name) >= 1


def test_aDefaultMayBeWrittenAsAModuleConstant():
	# loadText's default path is absolute, so its page writes the constant's name; any other name is still refused
	from framework.Datasets import Text
	assert sameDefault("BUILTIN_TEXT", Text.BUILTIN_TEXT, Text)
	assert not sameDefault("BUILTIN_TEXT", Text.BUILTIN_TEXT)
	assert not sameDefault("BUILTIN_TEXT", "other.txt", Text)
	assert not sameDefault("DatasetError", Text.BUILTIN_TEXT, Text)


def test_thePackagesExportClasses():
	# The coverage test above is vacuous if collection finds nothing.
	assert len(publicClasses()) >= 10


@pytest.mark.parametrize("page", apiPages(), ids=relname)
def test_apiPage(page):
	text = page.read_text(encoding="utf-8")
	name = page.stem
	assert text.startswith("# %s\n" % name), "%s: the page must start with '# %s'" % (relname(page), name)

	parts, titles, _ = sections(page)
	assert titles == SECTIONS, "%s: sections must be %s, got %s" % (relname(page), SECTIONS, titles)
	for title in ("Description", "Explanations"):
		assert len(parts[title].split()) >= 15, "%s: the %s section is nearly empty" % (relname(page), title)

	try:
		obj = objectFor(page)
	except (ImportError, AttributeError) as e:
		pytest.fail("%s documents %s, which does not exist: %s" % (relname(page), name, e))

	assert obj.__name__ == name
	if isinstance(obj, type):
		assert pagePath(obj) == relname(page), "%s: %s is defined in %s" % (relname(page), name, obj.__module__)
		_checkHierarchy(page, parts["Description"], obj)

	assert re.search(r"\$\$|\\\(|\$[^$]+\$", parts["Math"]), "%s: the Math section has no formula" % relname(page)

	signature = [b for b in _pythonBlocks(page) if b.section == "Initializing"]
	assert len(signature) == 1, "%s: Initializing needs exactly one ```python signature block" % relname(page)
	written = parseSignature(signature[0].code, name)
	real = realSignature(obj)

	writtenNames = [(p.kind, p.name) for p in written]
	realNames = [(p.kind, p.name) for p in real]
	assert writtenNames == realNames, "%s: signature lists %s, the code has %s" % (relname(page), writtenNames, realNames)
	for w, r in zip(written, real):
		if r.default is REQUIRED:
			assert w.default is REQUIRED, "%s: %s has no default in the code, the page gives %s" % (relname(page), r.name, w.default)
		else:
			assert w.default is not REQUIRED and sameDefault(w.default, r.default, inspect.getmodule(obj)), (
				"%s: default of %s is %r in the code, the page says %s" % (relname(page), r.name, r.default, w.default)
			)

	header, rows = parseTable(parts["Parameters"])
	if not real:
		assert header is None or not rows
		return
	assert header == ["Parameter", "Allowed types", "Description", "Default"], "%s: table header %s" % (relname(page), header)
	assert all(len(row) == 4 for row in rows), "%s: every Parameters row needs 4 cells (no '|' inside cells)" % relname(page)

	tableNames = [unquote(row[0]) for row in rows]
	expected = [{"*": "*", "**": "**"}.get(p.kind, "") + p.name for p in real]
	assert tableNames == expected, "%s: Parameters table lists %s, the code has %s" % (relname(page), tableNames, expected)

	for row, w in zip(rows, written):
		default = row[3]
		if w.default is REQUIRED:
			assert default == "required", "%s: %s is required, the table says %s" % (relname(page), w.name, default)
		else:
			assert unquote(default) == w.default, (
				"%s: table default of %s is %s, the signature says %s" % (relname(page), w.name, default, w.default)
			)
		assert row[1] and row[2], "%s: %s needs allowed types and a description" % (relname(page), w.name)

	examples = [b for b in _pythonBlocks(page) if b.section == "Examples" and b.marker != "skip"]
	assert examples, "%s: Examples needs a runnable ```python block" % relname(page)


def _linkedNames(line):
	return re.findall(r"\[`?(\w+)`?\]\(", line) or re.findall(r"`(\w+)`", line)


def _checkHierarchy(page, description, cls):
	parent = re.search(r"^\*\*Parent:\*\*(.*)$", description, flags=re.M)
	derived = re.search(r"^\*\*Derived:\*\*(.*)$", description, flags=re.M)
	assert parent and derived, "%s: Description needs '**Parent:**' and '**Derived:**' lines" % relname(page)

	public = set(publicClasses().values())
	base = publicParent(cls, public)
	expectedParent = [] if base is None else [base.__name__]
	assert _linkedNames(parent.group(1)) == expectedParent, (
		"%s: parent is %s, the page says %s" % (relname(page), expectedParent or "none", parent.group(1).strip())
	)

	children = sorted(c.__name__ for c in public if publicParent(c, public) is cls)
	assert sorted(_linkedNames(derived.group(1))) == children, (
		"%s: derived classes are %s, the page says %s" % (relname(page), children or "none", derived.group(1).strip())
	)


# --- examples ---------------------------------------------------------------------------------------------

def _runnablePages():
	return [p for p in pages() if any(not _isSignature(b) and b.marker != "skip" for b in _pythonBlocks(p))]


@pytest.mark.parametrize("page", _runnablePages(), ids=relname)
def test_examplesRun(page, tmp_path, monkeypatch):
	for module in requirements(page):
		pytest.importorskip(module)
	monkeypatch.chdir(tmp_path)
	namespace = {"__name__": "__docs__"}

	for block in _pythonBlocks(page):
		if _isSignature(block) or block.marker == "skip":
			continue
		where = "%s:%d" % (block.page, block.line)

		if block.marker == "standalone":
			_runStandalone(block, where, tmp_path)
			continue

		try:
			# Padding with blank lines makes tracebacks point at the line in the markdown file
			exec(compile("\n" * block.line + block.code, str(DOCS / block.page), "exec"), namespace)
		except Exception as e:
			raise AssertionError("example at %s failed: %s: %s" % (where, type(e).__name__, e)) from e


def _runStandalone(block, where, tmp_path):
	directory = tmp_path / ("standalone_%d" % block.line)
	directory.mkdir()
	script = directory / "example.py"
	script.write_text(block.code)

	env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT)] + os.environ.get("PYTHONPATH", "").split(os.pathsep)))
	result = subprocess.run([sys.executable, str(script)], cwd=directory, env=env, capture_output=True, text=True, timeout=600)
	assert result.returncode == 0, "standalone example at %s failed:\n%s%s" % (where, result.stdout, result.stderr)


def test_skippedAndStandaloneBlocksAreTheExpectedOnes():
	skips, standalone = {}, {}
	for page in pages():
		for block in _pythonBlocks(page):
			if block.marker == "skip":
				skips[block.page] = skips.get(block.page, 0) + 1
			elif block.marker == "standalone":
				standalone[block.page] = standalone.get(block.page, 0) + 1
	assert skips == EXPECTED_SKIPS
	assert standalone == EXPECTED_STANDALONE
	assert {relname(p): requirements(p) for p in pages() if requirements(p)} == EXPECTED_REQUIRES


def test_noBlockOutsideTheConventions():
	for page in pages():
		for block in blocks(page):
			assert block.lang, "%s:%d: name the language of every code block" % (block.page, block.line)
			if block.lang in ("py", "python3", "pycon"):
				pytest.fail("%s:%d: write ```python, the docs test runs only those" % (block.page, block.line))


def test_gettingStartedShowsTheReadmeCommands():
	readme = (ROOT / "README.md").read_text(encoding="utf-8")
	guide = (DOCS / "guides" / "getting-started.md").read_text(encoding="utf-8")
	for marker in ("<!-- main-command -->", "<!-- test-command -->"):
		m = re.search(re.escape(marker) + r"\s*```bash\n(.*?)\n```", readme, flags=re.S)
		assert m, "README.md has no %s block" % marker
		assert "```bash\n%s\n```" % m.group(1).strip() in guide, "getting-started.md must show %r" % m.group(1).strip()


# --- pictures and the site ---------------------------------------------------------------------------------

def _generatedImages():
	sys.path.insert(0, str(DOCS))
	try:
		import gen_images
	finally:
		sys.path.pop(0)
	return {pathlib.PurePosixPath(path).as_posix() for path in gen_images.OUTPUTS}


def test_everyPictureIsGeneratedByTheScript():
	generated = _generatedImages()
	shown = set()
	for page in pages():
		for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", page.read_text(encoding="utf-8")):
			path = (page.parent / target).resolve().relative_to(DOCS.resolve()).as_posix()
			shown.add(path)
			assert path in generated, "%s shows %s, which docs/gen_images.py does not write" % (relname(page), path)
			assert (DOCS / path).exists(), "%s shows %s: run python docs/gen_images.py" % (relname(page), path)

	pictures = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.png")}
	assert pictures <= generated, "pictures not written by docs/gen_images.py: %s" % sorted(pictures - generated)
	assert all(os.path.getsize(DOCS / p) < 300_000 for p in pictures), "keep committed pictures small"


def test_mkdocsBuildStrict(tmp_path):
	pytest.importorskip("mkdocs")
	pytest.importorskip("material")
	result = subprocess.run(
		[sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(tmp_path / "site")],
		cwd=ROOT, capture_output=True, text=True, timeout=300, env=dict(os.environ, NO_MKDOCS_2_WARNING="1")
	)
	assert result.returncode == 0, result.stdout + result.stderr


def _repositoryTextFiles():
	try:
		listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
		paths = [ROOT / name for name in listed]
	except (OSError, subprocess.CalledProcessError):
		skip = {".git", ".venv", ".venv-ci", "site", "build", "__pycache__"}
		paths = [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
	return [p for p in paths if p.suffix in (".py", ".md", ".yml", ".toml", ".cfg", ".ini", ".txt", ".c", ".h", ".js", "") and p.is_file()]


def test_nothingRefersToDocumentsOutsideTheRepository():
	# The project's own docs carry what matters: a reader cannot look up a document that is not in the repository.
	# (The words are assembled here so that this test does not find itself.)
	pattern = re.compile(r"\b%s\b|%s documents?" % ("DES" + "IGN", "seed"))
	found = []
	for path in _repositoryTextFiles():
		try:
			text = path.read_text(encoding="utf-8")
		except UnicodeDecodeError:
			continue
		found += ["%s:%d: %s" % (path.relative_to(ROOT), text.count("\n", 0, m.start()) + 1, m.group(0)) for m in pattern.finditer(text)]
	assert not found, "references to documents that are not in the repository: %s" % found
