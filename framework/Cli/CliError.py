"""A bad command line: __main__ prints it as one line and exits with status 2."""


class CliError(ValueError):
	pass
