"""Entry point of the ``lambdaworks`` command.

Subcommands are imported when they run, not at start-up: ``lambdaworks build`` on an unchanged
project should cost the build's own milliseconds, not the emulator's import time.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import click

from lambdaworks.__about__ import __version__
from lambdaworks.cli.errors import EPILOG, debug_option, run_main

#: name -> "module:attribute" of each subcommand.
COMMANDS = {
    "build": "lambdaworks.cli.build:build_command",
    "call": "lambdaworks.cli.call:call_command",
    "dead-letters": "lambdaworks.cli.dead_letters:dead_letters_group",
    "delete": "lambdaworks.cli.deploy:delete_command",
    "deploy": "lambdaworks.cli.deploy:deploy_command",
    "dev": "lambdaworks.cli.dev:dev_command",
    "events": "lambdaworks.cli.events:events_group",
    "invoke": "lambdaworks.cli.dev:invoke_command",
    "outputs": "lambdaworks.cli.deploy:outputs_command",
    "package": "lambdaworks.cli.deploy:package_command",
    "routes": "lambdaworks.cli.project:routes_command",
    "schedule": "lambdaworks.cli.schedule:schedule_group",
    "template": "lambdaworks.cli.deploy:template_command",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported by name on first use, and whose failures end as
    :mod:`lambdaworks.cli.errors` decides (one line, one exit status) however it is run."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        return run_main(super().main, args, {"prog_name": prog_name, "complete_var": complete_var, **extra})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, "--version", "-V", prog_name="lambdaworks")
@debug_option
def main() -> None:
    """Python web apps and functions on AWS Lambda, with a fast local loop."""
