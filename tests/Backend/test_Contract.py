"""The backend contract: both implementations export exactly Backend.EXPORTS, the facade uses only those, and
the implementations do not import the facade (no import cycle). Runs without a GPU: the CUDA package is read as
source, not imported."""
import ast
import pathlib
import re

import framework
from framework import Backend

ROOT = pathlib.Path(framework.__file__).parent
BACKEND = ROOT / "Backend"
IMPLEMENTATIONS = ("Cpu", "Cuda")
FACADE_MODULES = {"framework.Backend." + m for m in ("Kernels", "gpuarray", "Blas", "Rng", "SharedArray", "SharedKernels")}


def parse(path):
	return ast.parse(path.read_text(), filename=str(path))


def declaredAll(tree):
	for node in tree.body:
		if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
			return set(ast.literal_eval(node.value))
	return None


def boundAtTopLevel(tree):
	names = set()
	for node in tree.body:
		if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
			names.add(node.name)
		elif isinstance(node, ast.Assign):
			names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
		elif isinstance(node, (ast.Import, ast.ImportFrom)):
			names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
	return names


def importsOf(tree, package):
	"""Absolute module names imported anywhere in tree ('from a import b' counts as a and a.b)."""
	found = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			found |= {alias.name for alias in node.names}
		elif isinstance(node, ast.ImportFrom):
			base = node.module if node.level == 0 else ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + [node.module or ""])
			found.add(base)
			found |= {base + "." + alias.name for alias in node.names}
	return found


def test_everyImplementationExportsExactlyTheContract():
	for name in IMPLEMENTATIONS:
		tree = parse(BACKEND / name / "__init__.py")
		exported = declaredAll(tree)
		assert exported == set(Backend.EXPORTS), "Backend/%s: __all__ differs from Backend.EXPORTS by %s" % (
			name, sorted(exported ^ set(Backend.EXPORTS)) if exported is not None else "(no __all__)"
		)
		missing = exported - boundAtTopLevel(tree)
		assert not missing, "Backend/%s exports %s but never defines them" % (name, sorted(missing))


def test_theCpuPackageProvidesEveryExport():
	from framework.Backend import Cpu
	assert all(hasattr(Cpu, name) for name in Backend.EXPORTS)


def test_theFacadeUsesOnlyTheContract():
	used = set()
	for path in ROOT.rglob("*.py"):
		used |= set(re.findall(r"\bimpl\(\)\.(\w+)", path.read_text()))
	assert used and used <= set(Backend.EXPORTS), "impl() names outside Backend.EXPORTS: %s" % sorted(used - set(Backend.EXPORTS))


def test_implementationsDoNotImportTheFacade():
	# The facade imports an implementation (impl()); an implementation importing the facade back closes a cycle.
	for name in IMPLEMENTATIONS:
		for path in (BACKEND / name).glob("*.py"):
			package = "framework.Backend.%s" % name
			imported = importsOf(parse(path), package)
			bad = {m for m in imported if m in FACADE_MODULES or m == "framework.Backend.impl"}
			assert not bad, "Backend/%s/%s imports the facade: %s" % (name, path.name, sorted(bad))
	sourceImports = importsOf(parse(BACKEND / "KernelSource.py"), "framework.Backend")
	assert not {m for m in sourceImports if m.startswith("framework")}


def test_noHiddenFrameworkImports():
	# An import of the framework inside a function hides a dependency (often a cycle): allowed only with a
	# comment on its line that says why.
	for path in list(BACKEND.rglob("*.py")) + [ROOT / "Config.py"]:
		lines = path.read_text().splitlines()
		for node in ast.walk(parse(path)):
			if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
				for inner in ast.walk(node):
					if isinstance(inner, (ast.Import, ast.ImportFrom)):
						modules = [inner.module or ""] if isinstance(inner, ast.ImportFrom) else [a.name for a in inner.names]
						if any(m.startswith("framework") for m in modules) or getattr(inner, "level", 0):
							assert "#" in lines[inner.lineno - 1], "%s:%d imports the framework inside a function without saying why" % (
								path, inner.lineno
							)
