"""``lambdaworks routes``: load the project and print its route table."""

from __future__ import annotations

from pathlib import Path

import click

from lambdaworks.project import ProjectError, load_project


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


@click.command("routes")
@click.argument("project_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".")
@click.option(
    "--template", type=click.Path(dir_okay=False, path_type=Path), help="Template file (default: template.yaml)."
)
@click.option("--parameter-overrides", "overrides", multiple=True, help="Name=value (repeatable, or space-separated).")
def routes_command(project_dir: Path, template: Path | None, overrides: tuple[str, ...]) -> None:
    """Print the routes of the project in PROJECT_DIR: method, path, function, API."""
    try:
        project = load_project(project_dir, template, parse_overrides(overrides))
    except ProjectError as exc:
        raise click.ClickException(str(exc)) from exc
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
