"""Training produced a non-finite loss: __main__ prints it as one line and exits with status 1 (not 2: the command line was fine)."""


class DivergedError(RuntimeError):
	pass
