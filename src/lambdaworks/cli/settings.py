"""One rule for every command's settings: the command line, then samconfig.toml, then the flag's default.

A command names the samconfig.toml tables it reads, as SAM CLI's do (``deploy``; ``local_invoke``;
``local_start_lambda`` and ``local_start_api`` for ``dev``, which is both), after
``[ENV.global.parameters]``. :func:`config_options` adds ``--config-env`` and ``--config-file``;
:meth:`Settings.read` reads the file once and answers every lookup the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from lambdaworks.project import ProjectError
from lambdaworks.project.samconfig import NAME, merged, parse_parameter_overrides, samconfig_tables

F = TypeVar("F", bound=Callable[..., Any])

#: Where a value set by the user comes from; anything else is a default the file may replace.
GIVEN = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT, ParameterSource.PROMPT)


def config_options(section: str) -> Callable[[F], F]:
    """``--config-env`` and ``--config-file``: where in samconfig.toml the command's settings are."""

    def decorate(command: F) -> F:
        command = click.option(
            "--config-file",
            type=click.Path(dir_okay=False, path_type=Path),
            help=f"Settings file.  [default: {NAME} in PROJECT_DIR]",
        )(command)
        return click.option(
            "--config-env",
            default="default",
            show_default=True,
            help=f"The {NAME} environment ([ENV.{section}.parameters]) to take settings from.",
        )(command)

    return decorate


def parse_overrides(values: tuple[str, ...]) -> dict[str, str]:
    """``("Stage=prod", "Key='a b' K2=v")`` -> ``{"Stage": "prod", "Key": "a b", "K2": "v"}`` (SAM's syntax)."""
    out = {}
    for value in values:
        try:
            out.update(parse_parameter_overrides(value))
        except ProjectError as exc:
            raise click.BadParameter(str(exc), param_hint="--parameter-overrides") from exc
    return out


@dataclass(frozen=True)
class Settings:
    """One command's settings, looked up flag first, then samconfig.toml, then the flag's default."""

    params: Mapping[str, Any]  # the command's parsed parameters, defaults included
    given: frozenset[str]  # the parameters the user set (command line or environment variable)
    config: Path  # samconfig.toml (it may not exist)
    tables: Mapping[str, Mapping[str, Any]]  # its settings by command, ``global`` included
    commands: tuple[str, ...]  # the tables this command reads, the later winning

    @classmethod
    def read(cls, commands: tuple[str, ...], params: Mapping[str, Any], project_dir: Path | None = None) -> Settings:
        """The settings of the running click command; a one-line error when samconfig.toml is wrong."""
        ctx = click.get_current_context()
        given = frozenset(name for name in params if ctx.get_parameter_source(name) in GIVEN)
        config = params.get("config_file") or (project_dir or Path(".")) / NAME
        try:
            tables = samconfig_tables(config, params.get("config_env") or "default")
        except ProjectError as exc:
            raise click.ClickException(str(exc)) from exc
        return cls(params, given, config, tables, commands)

    @property
    def file(self) -> dict[str, Any]:
        """samconfig.toml's settings for this command: ``global``, then each of its tables over it."""
        return merged({k: dict(v) for k, v in self.tables.items()}, self.commands)

    def from_file(self, name: str, key: str | None = None, table: str | None = None) -> Any:
        """What samconfig.toml says for ``name`` unless the user set it (None when it says nothing)."""
        if name in self.given:
            return None
        source = self.tables.get(table, {}) if table else self.file
        return source.get(key or name)

    def get(self, name: str, key: str | None = None, table: str | None = None) -> Any:
        """The flag ``name`` if the user set it, else samconfig.toml's ``key`` (default: ``name``;
        ``table``: one table's only), else the flag's default."""
        value = self.from_file(name, key, table)
        return value if value is not None else self.params.get(name)

    def overrides(self) -> dict[str, str]:
        """samconfig.toml's ``parameter_overrides`` with ``--parameter-overrides`` over them, name by name."""
        try:
            from_file = parse_parameter_overrides(self.file.get("parameter_overrides"))
        except ProjectError as exc:
            raise click.ClickException(f"{self.config}: {exc}") from exc
        return {**from_file, **parse_overrides(tuple(self.params.get("overrides") or ()))}
