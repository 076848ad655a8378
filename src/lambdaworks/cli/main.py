"""Entry point of the ``lambdaworks`` command."""

from __future__ import annotations

import click

from lambdaworks.__about__ import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="lambdaworks")
def main() -> None:
    """Python web apps and functions on AWS Lambda, with a fast local loop."""
