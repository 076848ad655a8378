"""Handlers that leave a trace in $OUT_DIR for every attempt, so tests can count deliveries."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any


def _out(*parts: str) -> Path:
    path = Path(os.environ["OUT_DIR"], *parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def flaky(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fails the first ``event["fail"]`` attempts for ``event["key"]``; each attempt appends a line."""
    log = _out("attempts", f"{context.function_name}-{event['key']}")
    with log.open("a") as file:
        file.write(context.aws_request_id + "\n")
    attempt = len(log.read_text().splitlines())
    if attempt <= event.get("fail", 0):
        raise RuntimeError(f"attempt {attempt} of {event['key']} fails on purpose")
    return {"key": event["key"], "attempt": attempt}


def recorder(event: dict[str, Any], context: Any) -> None:
    """An OnFailure destination: keeps the record it receives."""
    _out("recorded", context.aws_request_id + ".json").write_text(json.dumps(event))


def worker(event: dict[str, Any], context: Any) -> None:
    """Takes ``event["sleep"]`` seconds, then appends ``event["n"]`` (one line per completed attempt)."""
    time.sleep(event.get("sleep", 0))
    with _out("worker.log").open("a") as file:
        file.write(f"{event['n']}\n")
