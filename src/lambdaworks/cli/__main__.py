"""``python -m lambdaworks.cli``."""

from lambdaworks.cli.entry import run

run()
