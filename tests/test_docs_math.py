"""The docs' formulas render offline: MathJax is served by the built site itself, checked in a real headless browser.

The browser runs with every host name unresolvable and a dead proxy, so a page that still loaded MathJax from a
CDN would show its raw TeX (`\\[ ... \\]`) and fail here. The test skips where no Chromium is installed; .ci/run
installs one and sets FRAMEWORK_REQUIRE_BROWSER, so in CI it runs or fails.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
MATHJAX = ROOT / "docs" / "javascripts" / "mathjax"
MATHJAX_VERSION = "3.2.2"


def _chromium():
	for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
		path = shutil.which(name)
		if path:
			return path
	return None


def test_the_site_names_no_cdn_and_vendors_mathjax():
	config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
	assert not re.search(r"https?://", config.split("extra_javascript:")[1].split("\n\n")[0]), "extra_javascript loads from the network"
	assert (MATHJAX / "tex-chtml.js").read_bytes().count(MATHJAX_VERSION.encode()) >= 1
	assert (MATHJAX / "output" / "chtml" / "fonts" / "woff-v2" / "MathJax_Main-Regular.woff").exists()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
	pytest.importorskip("mkdocs")
	pytest.importorskip("material")
	out = tmp_path_factory.mktemp("site")
	result = subprocess.run(
		[sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", str(out)],
		cwd=ROOT, capture_output=True, text=True, timeout=300, env=dict(os.environ, NO_MKDOCS_2_WARNING="1")
	)
	assert result.returncode == 0, result.stdout + result.stderr
	return out


@pytest.mark.parametrize("page", ["api/Optimizers/RMSProp/index.html"])
def test_formulas_render_without_network(site, page, tmp_path):
	chromium = _chromium()
	if chromium is None:
		# .ci/run installs Debian's chromium and sets FRAMEWORK_REQUIRE_BROWSER, so CI cannot skip this silently
		if os.environ.get("FRAMEWORK_REQUIRE_BROWSER"):
			pytest.fail("FRAMEWORK_REQUIRE_BROWSER is set but no chromium is installed")
		pytest.skip("no chromium to render the page with (.ci/run installs Debian's chromium)")
	html = site / page
	assert "\\[" in html.read_text(encoding="utf-8"), "%s has no display formula to render" % page

	command = [
		chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--user-data-dir=%s" % (tmp_path / "profile"),
		# No network at all: every host name fails to resolve and every request goes to a proxy that is not there
		"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost", "--proxy-server=http://127.0.0.1:9",
		"--allow-file-access-from-files", "--virtual-time-budget=20000", "--dump-dom", html.as_uri(),
	]
	result = subprocess.run(command, capture_output=True, text=True, timeout=180)
	dom = result.stdout
	assert result.returncode == 0 and "<html" in dom, result.stderr[-2000:]

	assert "mjx-container" in dom, "MathJax typeset nothing on %s" % page
	raw = [m.start() for m in re.finditer(r"\\\[|\\begin\{", dom)]
	assert not raw, "%s still shows raw TeX: %s" % (page, dom[raw[0] - 80:raw[0] + 80])
