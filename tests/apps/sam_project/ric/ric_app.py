"""Handlers run by AWS's awslambdaric against the emulator's Runtime API."""

from __future__ import annotations

import os
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    print("hello from awslambdaric")
    return {
        "event": event,
        "request_id": context.aws_request_id,
        "function_arn": context.invoked_function_arn,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "memory": context.memory_limit_in_mb,
        "pid": os.getpid(),
    }


def fails(event: dict[str, Any], context: Any) -> None:
    raise ValueError("bad input from awslambdaric")


def unserialisable(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"when": object()}


def decimals(event: dict[str, Any], context: Any) -> Any:
    from decimal import Decimal

    return {"count": Decimal("3"), "price": Decimal("9.5"), "text": "naïve", "raw": None}
