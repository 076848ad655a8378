"""``lambdaworks schedule``: list the project's schedules and fire one now."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from lambdaworks.cli.project import load, project_options, state_options, state_store


@click.group("schedule")
def schedule_group() -> None:
    """The project's Schedule/ScheduleV2 events (and native schedules)."""


@schedule_group.command("list")
@project_options
def list_command(project_dir: Path, template: Path | None, overrides: tuple[str, ...]) -> None:
    """Each schedule with its expression and next firing."""
    from lambdaworks.project.schedule_expr import UTC, ScheduleExpression

    project = load(project_dir, template, overrides)
    if not project.schedules:
        click.echo("No schedules.")
    now = datetime.datetime.now(UTC)
    for schedule in project.schedules:
        expression = ScheduleExpression.parse(schedule.expression, schedule.timezone)
        when = expression.next_fire(now) if schedule.enabled else None
        nxt = f"next {when:%Y-%m-%d %H:%M} UTC" if when else ("disabled" if not schedule.enabled else "no more")
        zone = f" ({schedule.timezone})" if schedule.timezone != "UTC" else ""
        click.echo(f"{schedule.key:<32} {schedule.expression}{zone}  {nxt}")


@schedule_group.command("fire")
@click.argument("name")
@state_options
def fire_command(
    name: str, project_dir: Path, template: Path | None, overrides: tuple[str, ...], state_dir: Path | None
) -> None:
    """Fire schedule NAME (``Event`` or ``Function.Event``) now, through the emulator's async queue.

    A running ``lambdaworks dev`` on the same project delivers it within a second; otherwise the
    next one to start does.
    """
    from lambdaworks.local.scheduler import fire

    project = load(project_dir, template, overrides)
    found = [s for s in project.schedules if name in (s.key, s.name)]
    if len(found) != 1:
        known = ", ".join(s.key for s in project.schedules) or "none"
        what = "is ambiguous" if found else "is not a schedule of the project"
        raise click.ClickException(f"{name!r} {what}; schedules: {known}")
    schedule = found[0]
    with state_store(project, state_dir) as store:
        request_id = fire(store.enqueue, schedule)
    click.echo(f"{schedule.key} fired: async event {request_id} queued for {schedule.function}")
