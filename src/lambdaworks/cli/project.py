"""``lambdaworks routes``, and the options every command that loads a project shares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from lambdaworks.project import Project, ProjectError, load_project
from lambdaworks.project.env_vars import apply_env_vars

if TYPE_CHECKING:  # the store is imported when a command needs it, not at CLI start-up
    from lambdaworks.local.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def parse_overrides(values: tuple[str, ...]) -> dict[str, str]:
    """``("Stage=prod", "Key=v")`` -> ``{"Stage": "prod", "Key": "v"}``."""
    out = {}
    for value in values:
        for item in value.split():
            name, sep, rest = item.partition("=")
            if not sep or not name:
                raise click.BadParameter(f"{item!r} is not Name=value", param_hint="--parameter-overrides")
            out[name] = rest
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


def env_vars_option(command: F) -> F:
    """``--env-vars FILE``: local environment variables over the template's (SAM's file format)."""
    return click.option(
        "--env-vars",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help='JSON of local environment variables over the template\'s: {"Parameters": {...}} for every '
        'function, {"FunctionName": {...}} for one (as sam local --env-vars). Saving it reloads.',
    )(command)


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
    try:
        return load_project(project_dir, template, parse_overrides(overrides))
    except ProjectError as exc:
        raise click.ClickException(str(exc)) from exc


def load_local(project_dir: Path, template: Path | None, overrides: tuple[str, ...], env_vars: Path | None) -> Project:
    """:func:`load`, then the ``--env-vars`` file's variables over the functions' own."""
    project = load(project_dir, template, overrides)
    try:
        return apply_env_vars(project, env_vars)
    except ProjectError as exc:
        raise click.ClickException(str(exc)) from exc


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
