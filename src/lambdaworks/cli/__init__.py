"""The ``lambdaworks`` command: thin commands over the layers below."""

from lambdaworks.cli.main import main

__all__ = ["main"]
