"""``lambdaworks routes``, and the options every command that loads a project shares."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from lambdaworks.cli.settings import Settings, config_options, parse_overrides
from lambdaworks.project import Project, ProjectError, load_project
from lambdaworks.project.env_vars import apply_env_vars
from lambdaworks.project.services import NO_SERVICES, LocalServices

if TYPE_CHECKING:  # the store is imported when a command needs it, not at CLI start-up
    from lambdaworks.local.store import Store

F = TypeVar("F", bound=Callable[..., Any])


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


def host_variables_options(command: F) -> F:
    """``--pass-env NAME`` and ``--pass-aws-credentials``: what of this shell the functions see."""
    command = click.option(
        "--pass-aws-credentials",
        is_flag=True,
        help="Give the functions this shell's AWS credentials (and HOME, for ~/.aws), to call real AWS.",
    )(command)
    return click.option(
        "--pass-env",
        multiple=True,
        metavar="NAME",
        help="Give the functions this variable of the shell too (repeatable); by default they get only "
        "Lambda's variables, the template's, and the locale, time zone and proxy settings.",
    )(command)


def env_vars_option(command: F) -> F:
    """``--env-vars FILE``: local environment variables over the template's (SAM's file format)."""
    return click.option(
        "--env-vars",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help='JSON of local environment variables over the template\'s: {"Parameters": {...}} for every '
        'function, {"FunctionName": {...}} for one (as sam local --env-vars); dev reloads when it is saved.',
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
    from lambdaworks.project import layout

    return Store(layout.state_dir(project.root, state_dir))


def open_store(project_dir: Path, template: Path | None, overrides: tuple[str, ...], state_dir: Path | None) -> Store:
    """:func:`state_store` of the project in ``project_dir``."""
    return state_store(load(project_dir, template, overrides), state_dir)


def load(project_dir: Path, template: Path | None, overrides: tuple[str, ...]) -> Project:
    """The project, or a usage error that says what is wrong with its description."""
    return load_local(project_dir, template, parse_overrides(overrides), None)


def load_local(
    project_dir: Path,
    template: Path | None,
    overrides: dict[str, str],
    env_vars: Path | None,
    local: LocalServices = NO_SERVICES,
) -> Project:
    """The project with ``overrides`` already parsed, then the ``--env-vars`` file's variables over
    the functions' own (a one-line error when either is wrong); ``local``: where the local AWS
    services answer."""
    try:
        return apply_env_vars(load_project(project_dir, template, overrides, local), env_vars)
    except ProjectError as exc:
        raise click.ClickException(str(exc)) from exc


@dataclass(frozen=True)
class LocalProject:
    """A project as ``dev`` and ``invoke`` load it, with the settings it was loaded by."""

    project_dir: Path
    template: Path | None
    project: Project
    overrides: dict[str, str]
    env_vars: Path | None
    settings: Settings


def read_local(settings: Settings) -> LocalProject:
    """The :class:`LocalProject` of ``settings``: ``parameter_overrides`` and ``env_vars`` (a path from
    samconfig.toml's folder when the file names it) as :class:`Settings` resolves them."""
    params = settings.params
    overrides = settings.overrides()
    env_vars = params.get("env_vars")
    named = settings.from_file("env_vars")
    if named:
        env_vars = settings.config.parent / str(named)
        if not env_vars.is_file():
            raise click.ClickException(f"{settings.config} names env_vars = {named!r}: there is no {env_vars}")
    port = params.get("services_port")
    local = LocalServices(int(port)) if port is not None else NO_SERVICES
    project = load_local(params["project_dir"], params.get("template"), overrides, env_vars, local)
    return LocalProject(params["project_dir"], params.get("template"), project, overrides, env_vars, settings)


def local_project(*commands: str) -> Callable[[F], F]:
    """The project options, ``--env-vars``, ``--config-env`` and ``--config-file``, handed to the
    command as one ``local`` argument (see :func:`read_local`)."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            names = ("project_dir", "template", "overrides", "env_vars", "config_env", "config_file")
            params = {**kwargs, **{name: kwargs.pop(name) for name in names}}
            local = read_local(Settings.read(commands, params, params["project_dir"]))
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
