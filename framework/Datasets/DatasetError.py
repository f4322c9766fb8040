"""The error every loader raises for a missing, truncated or malformed file."""


class DatasetError(ValueError):
	"""A data set cannot be loaded; the message names the file (or package) and what is wrong with it."""
