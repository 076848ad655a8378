"""Version of the lambdaworks package (read by the build backend and ``--version``)."""

__version__ = "0.1.0"
