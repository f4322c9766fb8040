"""How the test tree is written, so that any single file runs alone with the plain `pytest` command.

* Every folder under tests/ is a package and test helpers are imported one way, `from tests.X import ...`: a
  bare `from gradcheck import` only worked when some other file had put tests/ on sys.path first, and a
  relative import only inside a package.
* Test functions follow one naming convention: `test_` and then a camelCase description.
"""
import ast
import pathlib
import re

TESTS = pathlib.Path(__file__).resolve().parent
HELPERS = {path.stem for path in TESTS.rglob("*.py") if not path.name.startswith("test_") and path.stem != "__init__"}
NAME = re.compile(r"test_[a-z0-9][A-Za-z0-9]*")


def sources():
	return sorted(path for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts)


def test_everyTestFolderIsAPackage():
	folders = {path.parent for path in sources()}
	missing = sorted(str(folder.relative_to(TESTS.parent)) for folder in folders if not (folder / "__init__.py").exists())
	assert not missing, "test folders without __init__.py: %s" % missing


def test_helpersAreImportedFromTheTestsPackage():
	bad = []
	for path in sources():
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").split(".")[0] in HELPERS):
				bad.append("%s:%d" % (path.relative_to(TESTS.parent), node.lineno))
			elif isinstance(node, ast.Import) and any(alias.name.split(".")[0] in HELPERS for alias in node.names):
				bad.append("%s:%d" % (path.relative_to(TESTS.parent), node.lineno))
	assert not bad, "import test helpers as `from tests.X import ...`: %s" % bad


def test_testFunctionsFollowOneNamingConvention():
	bad = []
	for path in sources():
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if isinstance(node, ast.FunctionDef) and node.name.startswith("test") and not NAME.fullmatch(node.name):
				bad.append("%s::%s" % (path.relative_to(TESTS.parent), node.name))
	assert not bad, "test names are test_ plus camelCase: %s" % bad
