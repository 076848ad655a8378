"""``lambdaworks routes``, and the options every command that loads a project shares."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from lambdaworks.project import Project, ProjectError, load_project
from lambdaworks.project.env_vars import apply_env_vars
from lambdaworks.project.samconfig import NAME, merged, parse_parameter_overrides, samconfig_tables

if TYPE_CHECKING:  # the store is imported when a command needs it, not at CLI start-up
    from lambdaworks.local.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def parse_overrides(values: tuple[str, ...]) -> dict[str, str]:
    """``("Stage=prod", "Key='a b' K2=v")`` -> ``{"Stage": "prod", "Key": "a b", "K2": "v"}`` (SAM's syntax)."""
    out = {}
    for value in values:
        try:
            out.update(parse_parameter_overrides(value))
        except ProjectError as exc:
            raise click.BadParameter(str(exc), param_hint="--parameter-overrides") from exc
    return out


def project_options(command: F) -> F:
    """``PROJECT_DIR``, ``--template`` and ``--parameter-overrides``, as every project command takes them."""
    command = click.option(
        "--parameter-overrides", "overrides", multiple=True, help="Name=value (repeatable, or space-separated)."
    )(command)
    command = click.option(
        "--template",
        type=click.Path(dir_okay=False, path_type=Path),
        help="template.yaml, lambdaworks.toml or pyproject.toml to load (default: the one in PROJECT_DIR).",
    )(command)
    return click.argument("project_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")(
        command
    )


def parameter_overrides(settings: Mapping[str, Any], flags: tuple[str, ...]) -> dict[str, str]:
    """samconfig.toml's ``parameter_overrides`` with the ``--parameter-overrides`` flags over them, name
    by name (ProjectError for a bad value in the file)."""
    return {**parse_parameter_overrides(settings.get("parameter_overrides")), **parse_overrides(flags)}


def env_vars_option(command: F) -> F:
    """``--env-vars FILE``: local environment variables over the template's (SAM's file format)."""
    return click.option(
        "--env-vars",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help='JSON of local environment variables over the template\'s: {"Parameters": {...}} for every '
        'function, {"FunctionName": {...}} for one (as sam local --env-vars); dev reloads when it is saved.',
    )(command)


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


def samconfig(path: Path, config_env: str) -> dict[str, dict[str, Any]]:
    """The settings by command of ``config_env`` in the samconfig.toml at ``path`` (a usage error when it is wrong)."""
    try:
        return samconfig_tables(path, config_env)
    except ProjectError as exc:
        raise click.ClickException(str(exc)) from exc


def state_options(command: F) -> F:
    """The project options plus ``--state-dir``, as ``lambdaworks dev`` takes it."""
    command = click.option(
        "--state-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="The emulator's state folder.  [default: .lambdaworks beside the template]",
    )(command)
    return project_options(command)


def state_store(project: Project, state_dir: Path | None) -> Store:
    """The project's :class:`~lambdaworks.local.store.Store` (the async queue and dead letters)."""
    from lambdaworks.local.store import Store
    from lambdaworks.local.store import state_dir as state_path

    return Store(state_path(project.root, state_dir))


def open_store(project_dir: Path, template: Path | None, overrides: tuple[str, ...], state_dir: Path | None) -> Store:
    """:func:`state_store` of the project in ``project_dir``."""
    return state_store(load(project_dir, template, overrides), state_dir)


def load(project_dir: Path, template: Path | None, overrides: tuple[str, ...]) -> Project:
    """The project, or a usage error that says what is wrong with its description."""
    return load_local(project_dir, template, parse_overrides(overrides), None)


def load_local(project_dir: Path, template: Path | None, overrides: dict[str, str], env_vars: Path | None) -> Project:
    """The project with ``overrides`` already parsed, then the ``--env-vars`` file's variables over
    the functions' own."""
    try:
        return apply_env_vars(load_project(project_dir, template, overrides), env_vars)
    except ProjectError as exc:
        raise click.ClickException(str(exc)) from exc


@dataclass(frozen=True)
class LocalProject:
    """A project as ``dev`` and ``invoke`` load it: flags over samconfig.toml's settings."""

    project_dir: Path
    template: Path | None
    project: Project
    overrides: dict[str, str]
    env_vars: Path | None
    config: Path  # samconfig.toml (it may not exist)
    tables: dict[str, dict[str, Any]]  # its settings by command, ``global`` included
    settings: dict[str, Any]  # those of the command's own tables, merged over ``global``


def read_local(
    commands: tuple[str, ...],
    project_dir: Path,
    template: Path | None,
    overrides: tuple[str, ...],
    env_vars: Path | None,
    config_env: str,
    config_file: Path | None,
) -> LocalProject:
    """The :class:`LocalProject` the flags and ``commands``' samconfig.toml tables describe:
    ``parameter_overrides`` under the flag's (name by name), ``env_vars`` (a path from the file's
    folder) unless the flag names a file."""
    config = config_file or project_dir / NAME
    tables = samconfig(config, config_env)
    settings = merged(tables, commands)
    try:
        parameters = parameter_overrides(settings, overrides)
    except ProjectError as exc:
        raise click.ClickException(f"{config}: {exc}") from exc
    if env_vars is None and settings.get("env_vars"):
        env_vars = config.parent / str(settings["env_vars"])
        if not env_vars.is_file():
            raise click.ClickException(f"{config} names env_vars = {settings['env_vars']!r}: there is no {env_vars}")
    project = load_local(project_dir, template, parameters, env_vars)
    return LocalProject(project_dir, template, project, parameters, env_vars, config, tables, settings)


def local_project(*commands: str) -> Callable[[F], F]:
    """The project options, ``--env-vars``, ``--config-env`` and ``--config-file``, handed to the
    command as one ``local`` argument (see :func:`read_local`)."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            names = ("project_dir", "template", "overrides", "env_vars", "config_env", "config_file")
            local = read_local(commands, *(kwargs.pop(name) for name in names))
            return command(*args, local=local, **kwargs)

        return project_options(env_vars_option(config_options(commands[-1])(cast(F, run))))

    return decorate


@click.command("routes")
@project_options
def routes_command(project_dir: Path, template: Path | None, overrides: tuple[str, ...]) -> None:
    """Print the routes of the project in PROJECT_DIR (method, path, function, API), then its schedules."""
    project = load(project_dir, template, overrides)
    for warning in project.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    rows = [("METHOD", "PATH", "FUNCTION", "API")]
    for route in project.routes:
        api = project.apis[route.api]
        stage = "" if api.stage == "$default" else f" stage {api.stage}"
        rows.append((route.method, route.path, route.function, f"{route.api} ({api.kind.upper()} API{stage})"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip())
    for schedule in project.schedules:
        state = "" if schedule.enabled else "  (disabled)"
        click.echo(f"SCHEDULE  {schedule.expression}  {schedule.function}  ({schedule.name}){state}")
