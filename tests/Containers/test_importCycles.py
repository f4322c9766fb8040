"""Modules do not import Containers (Containers build on Modules), not even inside a function."""
import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def frameworkImports(path):
	"""Every module name a file imports from the framework, at any depth (module level or inside a function)."""
	names = []
	for node in ast.walk(ast.parse(path.read_text())):
		if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("framework"):
			names.append(node.module)
		elif isinstance(node, ast.Import):
			names += [alias.name for alias in node.names if alias.name.startswith("framework")]
	return names


@pytest.mark.parametrize("package", ["Modules", "Cost"])
def test_lowerPackagesImportNoContainers(package):
	for path in sorted((ROOT / "framework" / package).glob("*.py")):
		for name in frameworkImports(path):
			assert not name.startswith("framework.Containers"), "%s imports %s" % (path.relative_to(ROOT), name)


def test_moduleNodeWorksOnceContainersAreImported():
	code = (
		"from framework.Modules import Linear\n"
		"try:\n    Linear(2, 3).node()\nexcept RuntimeError as e:\n    print('refused:', e)\n"
		"import framework.Containers\nprint(type(Linear(2, 3).node()).__name__)\n"
	)
	out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
	assert out.splitlines() == [
		"refused: Linear.node: Graph nodes are defined in framework.Containers; import it (or Graph) first", "Node"
	]
