"""The one declaration per hyperparameter: construction, assignment, load, repr, --opt parsing and the docs agree."""
import json

import h5py
import numpy as np
import pytest

import framework.Optimizers as Optimizers
from tests.docs_helpers import API, parseTable, sameDefault, sections, unquote
from framework import Files
from framework.Cli import Args
from framework.Cli.CliError import CliError
from framework.Optimizers import Adam, Optimizer, RMSProp, Rprop, SGD
from framework.Variable import Variable
from tests.Optimizers import cases

CLASSES = sorted({case.cls for case in cases.OPTIMIZER_CASES}, key=lambda cls: cls.__name__)
IDS = [cls.__name__ for cls in CLASSES]


def badValues(spec):
	"""Values each kind must refuse, with the error type."""
	if spec.kind == "bool":
		return [("no", TypeError), (1, TypeError), (None, TypeError)]
	if spec.kind == "choice":
		return [("nope", ValueError), (3, ValueError)]
	if spec.kind == "pair":
		return [((1.0, ), ValueError), ((2.0, 0.5), ValueError), (("a", 1.0), TypeError)]
	bad = [("abc", TypeError), (True, TypeError), (float("nan"), ValueError), (float("inf"), ValueError)]
	if spec.low is not None:
		bad.append((spec.low - 1.0 if not spec.lowOpen else spec.low, ValueError))
	if spec.high is not None:
		bad.append((spec.high + 1.0 if not spec.highOpen else spec.high, ValueError))
	return bad


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_assignmentIsValidatedLikeConstruction(cls):
	opt = cls()
	for name, spec in cls.hyperparameters.items():
		before = getattr(opt, name)
		for value, error in badValues(spec):
			with pytest.raises(error, match="%s: %s" % (cls.__name__, name)):
				setattr(opt, name, value)
			with pytest.raises(error, match="%s: %s" % (cls.__name__, name)):
				cls(**{name: value})
			assert getattr(opt, name) == before


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_signatureReprAndSavedHyperparametersComeFromTheDeclarations(cls, tmp_path):
	opt = cls()
	assert list(cls.hyperparameters)[0] == "learnRate"
	assert opt.getHyperparameters() == {name: spec.check(spec.default, cls.__name__) for name, spec in cls.hyperparameters.items()}
	assert repr(opt) == "%s(%s)" % (cls.__name__, ", ".join("%s=%r" % (n, getattr(opt, n)) for n in cls.hyperparameters))

	opt.setupOn([Variable(np.zeros(3, np.float32), name="w")])
	opt.save(tmp_path / "o.h5")
	with h5py.File(tmp_path / "o.h5", "r") as f:
		assert set(json.loads(f.attrs["hyperparameters"])) == set(cls.hyperparameters)


def test_reprShowsTheValues():
	assert repr(RMSProp(centered=True)) == (
		"RMSProp(learnRate=0.01, alpha=0.99, epsilon=1e-08, weightDecay=0.0, momentum=0.0, centered=True, epsInsideSqrt=False)"
	)


def test_flagsTakeBoolsOnly():
	assert RMSProp(centered=np.bool_(True)).centered is True
	with pytest.raises(TypeError, match="RMSProp: centered must be True or False, got 'no'"):
		RMSProp(centered="no")
	opt = RMSProp()
	with pytest.raises(TypeError, match="epsInsideSqrt"):
		opt.epsInsideSqrt = 0
	with pytest.raises(ValueError, match=r"RMSProp: alpha must lie in \[0, 1\), got 5.0"):
		opt.alpha = 5


@pytest.mark.parametrize("cls", [cls for cls in CLASSES if "epsilon" in cls.hyperparameters], ids=lambda cls: cls.__name__)
def test_epsilonZeroIsRefusedWhereItDivides(cls):
	# every epsilon here sits in a denominator that is 0 for a gradient that has always been 0: 0/0
	with pytest.raises(ValueError, match="epsilon must lie in \\(0, inf\\]"):
		cls(epsilon=0.0)


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_docsParameterTableMatchesTheDeclarations(cls):
	parts, _, _ = sections(API / "Optimizers" / ("%s.md" % cls.__name__))
	_, rows = parseTable(parts["Parameters"])
	table = {unquote(row[0]): row for row in rows}
	for name, spec in cls.hyperparameters.items():
		assert table[name][1] == spec.describe(), "%s.md: allowed types of %s" % (cls.__name__, name)
		assert sameDefault(unquote(table[name][3]), spec.default), "%s.md: default of %s" % (cls.__name__, name)


# --- files -----------------------------------------------------------------------------------------------------

def savedFile(tmp_path, edit):
	var = Variable(np.zeros(3, np.float32), name="w")
	opt = RMSProp(centered=True).setupOn([var])
	var.grad.fill(1.0)
	opt.update()
	path = tmp_path / "o.h5"
	opt.save(path)
	with h5py.File(path, "r+") as f:
		edit(f)
		# re-seal and re-stamp, as a deliberate edit would: the checks below are the ones behind the checksums
		Files.seal(f)
	Files.stampFile(path)
	return path, var


def editHyper(**changes):
	def edit(f):
		hyper = json.loads(f.attrs["hyperparameters"])
		hyper.update(changes)
		f.attrs["hyperparameters"] = json.dumps(hyper)
	return edit


@pytest.mark.parametrize("changes, error, match", [
	(dict(alpha=5), ValueError, r"alpha must lie in \[0, 1\), got 5.0"),
	(dict(epsilon=-1), ValueError, r"epsilon must lie in \(0, inf\]"),
	# a wrong type read from a file makes the file corrupt: a ValueError that still gives the reason
	(dict(alpha="abc"), ValueError, "alpha must be a real number, got 'abc'"),
	(dict(centered="yes"), ValueError, "centered must be True or False"),
	(dict(nonsense=1), ValueError, "are not those of RMSProp"),
], ids=["alpha5", "epsilonNegative", "alphaText", "centeredText", "unknown"])
def test_anEditedFileIsRefusedNamingItAndChangesNothing(tmp_path, changes, error, match):
	path, _ = savedFile(tmp_path, editHyper(**changes))
	opt = RMSProp(centered=True, learnRate=0.5).setupOn([Variable(np.zeros(3, np.float32), name="w")])
	with pytest.raises(error, match=match) as info:
		opt.load(path)
	assert str(path) in str(info.value)
	assert opt.learnRate == 0.5 and opt.alpha == 0.99 and opt.t == 0
	assert np.all(opt.getState("w")["s"].get() == 0)


@pytest.mark.parametrize("edit, match", [
	(lambda f: f.attrs.__setitem__("t", -3), "t must be a non-negative integer"),
	(lambda f: f.attrs.__setitem__("scalars", json.dumps({"x": 1})), "scalar state"),
	(lambda f: f.attrs.__delitem__("t"), "corrupt or incomplete"),
	(lambda f: f["state/w"].__delitem__("m"), "missing state 'w/m'"),
], ids=["t", "scalars", "noT", "noState"])
def test_aDamagedFileIsRefusedNamingIt(tmp_path, edit, match):
	path, _ = savedFile(tmp_path, edit)
	opt = RMSProp(centered=True).setupOn([Variable(np.zeros(3, np.float32), name="w")])
	with pytest.raises(ValueError, match=match) as info:
		opt.load(path)
	assert str(path) in str(info.value) and opt.t == 0


def test_prepareLoadChecksEverythingFirstAndAppliesOnCall(tmp_path):
	path, var = savedFile(tmp_path, lambda f: None)
	target = RMSProp(centered=True, learnRate=0.5, alpha=0.5).setupOn([Variable(np.zeros(3, np.float32), name="w")])
	with h5py.File(path, "r") as f:
		apply = target.prepareLoad(f, source="my.h5")
		assert target.t == 0 and target.alpha == 0.5 and np.all(target.getState("w")["s"].get() == 0)
		apply()
	assert target.t == 1 and target.alpha == 0.99 and target.learnRate == 0.01
	assert np.all(target.getState("w")["s"].get() > 0)

	with h5py.File(path, "r") as f, pytest.raises(ValueError, match="Adam.load: 'my.h5' holds the state of RMSProp, not Adam"):
		Adam().setupOn([Variable(np.zeros(3, np.float32), name="w")]).prepareLoad(f, source="my.h5")
	with h5py.File(path, "r") as f, pytest.raises(ValueError, match=str(path)):
		Adam().setupOn([Variable(np.zeros(3, np.float32), name="w")]).loadFrom(f)  # the file's name by default


# --- the command line ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [("false", False), ("False", False), ("0", False), ("NO", False), ("true", True),
										 ("1", True), ("Yes", True)])
def test_cliBooleans(text, value):
	opt = Args.makeOptimizer("RMSProp", Args.parseOpts(["centered=" + text, "epsInsideSqrt=" + text]))
	assert opt.centered is value and opt.epsInsideSqrt is value


@pytest.mark.parametrize("pair, match", [
	("centered=maybe", "RMSProp: centered must be true or false"),
	("alpha=abc", "RMSProp: alpha must be a real number, got 'abc'"),
	("variant=iRprop", "variant must be one of"),
	("etas=0.5", "etas must be a pair"),
])
def test_cliBadValuesAreOneLineErrors(pair, match):
	name = "Rprop" if pair.split("=")[0] in ("variant", "etas") else "RMSProp"
	with pytest.raises(CliError, match=match) as info:
		Args.makeOptimizer(name, Args.parseOpts([pair]))
	assert "\n" not in str(info.value)


def test_cliValuesOfEveryKind():
	opt = Args.makeOptimizer("Rprop", Args.parseOpts(["etas=0.4,1.5", "stepSizes=(1e-4, 0.5)", "variant=iRprop+", "learnRate=3e-3"]))
	assert opt.etas == (0.4, 1.5) and opt.stepSizes == (1e-4, 0.5) and opt.variant == "iRprop+" and opt.learnRate == 3e-3


def test_cliTunedValuesLiveOnTheClass():
	assert Args.makeOptimizer("Rprop", {}, tuned=True).stepSizes == Rprop.tuned["stepSizes"]
	assert Args.makeOptimizer("SGD", {"learnRate": "0.5"}, tuned=True).learnRate == 0.5
	assert Args.makeOptimizer("SGD", {}).learnRate == SGD().learnRate
	exported = [obj for obj in vars(Optimizers).values() if isinstance(obj, type) and issubclass(obj, Optimizer) and obj is not Optimizer]
	assert all("learnRate" in cls.tuned for cls in exported)
