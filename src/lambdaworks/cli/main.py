"""Entry point of the ``lambdaworks`` command."""

from __future__ import annotations

import click

from lambdaworks.__about__ import __version__
from lambdaworks.cli.build import build_command
from lambdaworks.cli.call import call_command
from lambdaworks.cli.dead_letters import dead_letters_group
from lambdaworks.cli.dev import dev_command, invoke_command
from lambdaworks.cli.events import events_group
from lambdaworks.cli.project import routes_command
from lambdaworks.cli.schedule import schedule_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="lambdaworks")
def main() -> None:
    """Python web apps and functions on AWS Lambda, with a fast local loop."""


main.add_command(build_command)
main.add_command(call_command)
main.add_command(events_group)
main.add_command(dev_command)
main.add_command(invoke_command)
main.add_command(routes_command)
main.add_command(dead_letters_group)
main.add_command(schedule_group)
