"""``lambdaworks dead-letters``: inspect, re-drive and purge the asynchronous events that failed.

They live in the project's state directory, beside the queue the emulator delivers from: a redriven
event is queued there and a running ``lambdaworks dev`` picks it up within half a second (or the
next one does when it starts).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import click

from lambdaworks.cli.project import F, open_store, state_options


def _when(stamp: float) -> str:
    return datetime.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


@click.group("dead-letters")
def dead_letters_group() -> None:
    """Asynchronous events that failed every attempt (or grew too old), kept for you to re-drive."""


@dead_letters_group.command("list")
@state_options
@click.option("--function", help="Only this function's.")
def list_command(
    project_dir: Path, template: Path | None, overrides: tuple[str, ...], state_dir: Path | None, function: str | None
) -> None:
    """One line per dead letter: ID, when, function, condition, where it went."""
    with open_store(project_dir, template, overrides, state_dir) as store:
        records = store.records(function=function)
        pending = store.pending(function)
    if not records:
        click.echo("No dead letters.")
    for record in records:
        when = _when(record.created)
        click.echo(f"{record.id:>5}  {when}  {record.function:<20} {record.condition:<18} {record.destination}")
    if pending:
        click.echo(f"({len(pending)} async events still queued or in flight)")


@dead_letters_group.command("show")
@click.argument("record_id", type=int)
@state_options
def show_command(
    record_id: int, project_dir: Path, template: Path | None, overrides: tuple[str, ...], state_dir: Path | None
) -> None:
    """Print dead letter RECORD_ID as the destination received it (JSON)."""
    with open_store(project_dir, template, overrides, state_dir) as store:
        record = store.record(record_id)
    if record is None or record.condition == "Success":
        raise click.ClickException(f"no dead letter {record_id}; `lambdaworks dead-letters list` shows them")
    click.echo(json.dumps(record.record, indent=2))


def _selected(store: Any, ids: tuple[int, ...], everything: bool) -> list[Any]:
    if everything == bool(ids):
        raise click.UsageError("give dead-letter IDs or --all (not both)")
    if everything:
        return list(store.records())
    found = []
    for record_id in ids:
        record = store.record(record_id)
        if record is None or record.condition == "Success":
            raise click.ClickException(f"no dead letter {record_id}")
        found.append(record)
    return found


def selection_options(command: F) -> F:
    """``IDS...`` or ``--all``, plus the project and state options."""
    command = state_options(command)
    command = click.option("--all", "everything", is_flag=True, help="Every dead letter.")(command)
    return click.argument("ids", nargs=-1, type=int)(command)


@dead_letters_group.command("redrive")
@selection_options
def redrive_command(
    ids: tuple[int, ...],
    everything: bool,
    project_dir: Path,
    template: Path | None,
    overrides: tuple[str, ...],
    state_dir: Path | None,
) -> None:
    """Queue the original events of IDS again, as new asynchronous invocations of their functions."""
    from lambdaworks.local.store import original_payload

    with open_store(project_dir, template, overrides, state_dir) as store:
        for record in _selected(store, ids, everything):
            request_id = store.redrive(record, original_payload(record))
            click.echo(f"{record.id}: queued again for {record.function} as {request_id}")


@dead_letters_group.command("purge")
@selection_options
def purge_command(
    ids: tuple[int, ...],
    everything: bool,
    project_dir: Path,
    template: Path | None,
    overrides: tuple[str, ...],
    state_dir: Path | None,
) -> None:
    """Delete dead letters IDS for good."""
    with open_store(project_dir, template, overrides, state_dir) as store:
        removed = store.purge(None if everything else [r.id for r in _selected(store, ids, everything)])
    click.echo(f"{removed} dead letters purged.")
