"""Reads the documentation pages for tests/test_docs.py: code blocks, sections, signatures, parameter tables.

Conventions the pages follow (docs/contributing.md says the same for writers):
  * Code blocks start at column 0 with ```python (```bash, ```text, ... are never run).
  * A ```python block under the `## Initializing` heading of an API page is that page's signature;
    it is parsed, not run.
  * `<!-- docs-test: skip <reason> -->` on the line before a block: the block is not run (and counted).
  * `<!-- docs-test: standalone -->` on the line before a block: the block is a whole script, run by a
    fresh interpreter in an empty directory, as a reader who copies it into a file would run it.
  * `<!-- docs-test: requires MODULE -->` anywhere on a page: its examples run only where MODULE imports
    (an optional extra such as scikit-learn); the test is skipped, visibly, elsewhere.
"""
import ast
import importlib
import inspect
import pathlib
import re
from collections import namedtuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
API = DOCS / "api"

# Packages whose public classes must each have a page under docs/api/. A plain module (framework.Variable) counts
# only what it defines itself; exceptions are documented on the pages of the functions that raise them.
PACKAGES = [
	"framework.Modules", "framework.Containers", "framework.Cost", "framework.Optimizers",
	"framework.Optimizers.Hooks", "framework.Optimizers.Schedules", "framework.Handlers", "framework.Models",
	"framework.Converter",
	"framework.Datasets", "framework.Variable", "framework.Distributed",
]

# Modules of settings functions documented on one page each (every public function a section of that page).
MODULE_PAGES = {"api/Config.md": "framework.Config"}

SECTIONS = ["Description", "Math", "Initializing", "Parameters", "Explanations", "Examples"]

Block = namedtuple("Block", ["page", "line", "lang", "code", "section", "marker"])

_FENCE = re.compile(r"^```([\w+-]*)\s*$")
_MARKER = re.compile(r"^<!--\s*docs-test:\s*(skip|standalone)\b(.*?)-->\s*$")


def pages():
	"""Every markdown page; docs/gen/ holds generated snippets that pages include, not pages."""
	return sorted(p for p in DOCS.rglob("*.md") if (DOCS / "gen") not in p.parents)


def relname(path):
	return path.relative_to(DOCS).as_posix()


def blocks(path):
	"""Every fenced block of a page, in order, with the H2 section it sits in and its marker."""
	lines = path.read_text(encoding="utf-8").splitlines()
	result, section, k = [], None, 0
	while k < len(lines):
		line = lines[k]
		if line.startswith("## "):
			section = line[3:].strip()

		m = _FENCE.match(line)
		if m is None:
			if re.match(r"^\s+```python", line):
				raise AssertionError("%s:%d: an indented ```python block would escape the docs test" % (relname(path), k + 1))
			k += 1
			continue

		start = k
		k += 1
		body = []
		while k < len(lines) and lines[k].rstrip() != "```":
			body.append(lines[k])
			k += 1
		if k == len(lines):
			raise AssertionError("%s:%d: unclosed code block" % (relname(path), start + 1))

		prev = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
		marker = _MARKER.match(prev.strip())
		result.append(Block(relname(path), start + 1, m.group(1), "\n".join(body) + "\n", section, marker.group(1) if marker else None))
		k += 1
	return result


def requirements(path):
	"""Modules a page's examples need, from its `<!-- docs-test: requires MODULE -->` markers."""
	return re.findall(r"<!--\s*docs-test:\s*requires\s+([\w.]+)\s*-->", path.read_text(encoding="utf-8"))


def sections(path):
	"""{H2 title: text} of a page, and the list of H2 titles in order."""
	text = path.read_text(encoding="utf-8")
	parts = re.split(r"^## (.+)$", text, flags=re.M)
	titles = [t.strip() for t in parts[1::2]]
	return dict(zip(titles, parts[2::2])), titles, parts[0]


# --- the public API ----------------------------------------------------------------------------------------

def publicNames(package):
	mod = importlib.import_module(package)
	names = getattr(mod, "__all__", None)
	if names is None:
		names = [name for name in vars(mod) if not name.startswith("_")]
	return mod, list(names)


def publicClasses():
	"""{page path: class} for every public class the packages export."""
	return {path: obj for path, obj in publicObjects().items() if inspect.isclass(obj)}


def publicObjects():
	"""{page path: class or function} for every public class and function the packages export."""
	found = {}
	for package in PACKAGES:
		try:
			mod, names = publicNames(package)
		except ModuleNotFoundError as e:
			if e.name is not None and package.startswith(e.name):
				continue  # the package does not exist (yet); the page test for its classes reports it
			raise

		isPackage = hasattr(mod, "__path__")
		for name in names:
			obj = getattr(mod, name)
			if not (inspect.isclass(obj) or inspect.isfunction(obj)) or not obj.__module__.startswith("framework."):
				continue
			if (not isPackage and obj.__module__ != package) or (inspect.isclass(obj) and issubclass(obj, BaseException)):
				continue
			found[pagePath(obj)] = obj
	return found


def moduleFunctions(module):
	"""{name: function} of the public functions a plain module defines (for MODULE_PAGES)."""
	mod = importlib.import_module(module)
	return {
		name: obj for name, obj in vars(mod).items()
		if inspect.isfunction(obj) and not name.startswith("_") and obj.__module__ == module
	}


def pagePath(obj):
	"""docs/api/<package path>/<Name>.md, from the package the defining module sits in."""
	module = importlib.import_module(obj.__module__)
	parts = obj.__module__.split(".")[1:]
	if not hasattr(module, "__path__"):
		parts = parts[:-1]
	return "api/" + "/".join(parts + [obj.__name__]) + ".md"


# Pages under docs/api/ that describe a whole package or module rather than one class or function.
OVERVIEWS = {"api/index.md", "api/backend.md"} | set(MODULE_PAGES)


def apiPages():
	"""Every page under docs/api/ that documents one class or function."""
	return sorted(p for p in API.rglob("*.md") if relname(p) not in OVERVIEWS and p.name != "index.md")


def objectFor(page):
	"""The class or function a docs/api page documents: framework.<dirs>.<Name>, from its package."""
	parts = page.relative_to(API).with_suffix("").parts
	# api/Variable.md documents the class of the plain module framework.Variable
	package = "framework." + ".".join(parts[:-1] if len(parts) > 1 else parts)
	mod = importlib.import_module(package)
	return getattr(mod, parts[-1])


# --- signatures and parameter tables ------------------------------------------------------------------

Param = namedtuple("Param", ["name", "kind", "default"])
REQUIRED = object()


def parseSignature(code, name):
	"""'Name(a, b=1, *rest, c=2, **kw)' -> [Param]; kind is 'arg', '*' or '**'."""
	code = code.strip()
	tree = ast.parse(code, mode="eval")
	call = tree.body
	if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or call.func.id != name:
		raise AssertionError("the signature must be a call of %s(...), got %r" % (name, code.strip()))

	params = []
	for arg in call.args:
		if isinstance(arg, ast.Starred):
			params.append(Param(arg.value.id, "*", REQUIRED))
		elif isinstance(arg, ast.Name):
			params.append(Param(arg.id, "arg", REQUIRED))
		else:
			raise AssertionError("positional signature entries must be names, got %s" % ast.unparse(arg))
	for kw in call.keywords:
		if kw.arg is None:
			params.append(Param(kw.value.id, "**", REQUIRED))
		else:
			params.append(Param(kw.arg, "arg", ast.get_source_segment(code, kw.value)))
	return params


def realSignature(obj):
	params = []
	for p in inspect.signature(obj).parameters.values():
		kind = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "arg")
		params.append(Param(p.name, kind, REQUIRED if p.default is p.empty else p.default))
	return params


def sameDefault(text, value, module=None):
	"""Whether the default written in the docs (source text) denotes the real default value. A name may stand for a
	constant of the documented object's module (loadText's path=BUILTIN_TEXT, whose value differs per machine)."""
	try:
		written = ast.literal_eval(text)
	except (ValueError, SyntaxError):
		if module is not None and text.isidentifier() and getattr(module, text, REQUIRED) is value:
			return True
		return text in (getattr(value, "__name__", None), getattr(value, "__qualname__", None), repr(value))
	if isinstance(written, float) or isinstance(value, float):
		return type(value) in (int, float) and float(written) == float(value)
	return written == value and type(written) is type(value)


def parseTable(text):
	"""The first markdown table of a section: [[cells]] without the header and separator rows."""
	rows = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
	if len(rows) < 2:
		return None, []
	split = lambda row: [cell.strip() for cell in row.strip("|").split("|")]
	return split(rows[0]), [split(row) for row in rows[2:]]


def unquote(cell):
	m = re.fullmatch(r"`([^`]*)`", cell.strip())
	return m.group(1) if m else None


def publicParent(cls, public):
	"""The nearest ancestor that is itself public (private helpers like Pool2D are skipped), or None."""
	for base in cls.__mro__[1:]:
		if base in public:
			return base
	return None
