// MathJax settings for pymdownx.arithmatex (generic mode): typeset \( \) and \[ \] spans only.
window.MathJax = {
	tex: {
		inlineMath: [["\\(", "\\)"]],
		displayMath: [["\\[", "\\]"]],
		processEscapes: true,
		processEnvironments: true
	},
	options: {
		ignoreHtmlClass: ".*|",
		processHtmlClass: "arithmatex"
	}
};

document$.subscribe(() => {
	MathJax.typesetPromise();
});
