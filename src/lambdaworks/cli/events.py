"""``lambdaworks events``: print sample events built by the testing factories."""

from __future__ import annotations

import json
from typing import Any

import click

from lambdaworks.cli.call import http_event, http_event_options
from lambdaworks.wire.sources import HTTP_SOURCES, OTHER_SOURCES, make_event


@click.group("events")
def events_group() -> None:
    """Sample Lambda events for tests and `lambdaworks call --event`."""


@events_group.command("list")
def list_command() -> None:
    """List the sources `events generate` knows."""
    for name in HTTP_SOURCES + OTHER_SOURCES:
        click.echo(name)


@events_group.command("generate")
@click.argument("source", type=click.Choice(HTTP_SOURCES + OTHER_SOURCES + ("rest",)))
@http_event_options
@click.option("--body", "bodies", multiple=True, help="sqs: message bodies (repeatable).")
@click.option("--bucket", default="example-bucket", show_default=True, help="s3: bucket.")
@click.option("--key", default="uploads/file.txt", show_default=True, help="s3: object key.")
def generate_command(
    source: str,
    method: str,
    path: str,
    headers: tuple[str, ...],
    data: str | None,
    stage: str | None,
    base_path: str,
    bodies: tuple[str, ...],
    bucket: str,
    key: str,
) -> None:
    """Print a sample SOURCE event as JSON."""
    event: dict[str, Any]
    if source in HTTP_SOURCES or source == "rest":
        event = http_event(source, method, path, headers, data, stage, base_path)
    elif source == "s3":
        event = make_event("s3", bucket=bucket, key=key)
    elif source == "sqs":
        from lambdaworks.wire.records import sqs_event

        event = sqs_event(*bodies)
    else:
        event = make_event(source)
    click.echo(json.dumps(event, indent=2))
