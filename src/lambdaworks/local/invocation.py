"""An invocation on its way through an environment, what it produced, and the error bodies and
limits Lambda gives both."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from lambdaworks.runtime.context import new_request_id

#: How long an environment may take to start (import the handler) before Runtime.InitTimeout.
INIT_TIMEOUT = 10.0


@dataclass
class Invocation:
    """One event on its way through an environment."""

    payload: bytes
    request_id: str = field(default_factory=new_request_id)
    client_context: str | None = None
    future: asyncio.Future[tuple[str, bytes, str]] | None = None
    logs: list[str] = field(default_factory=list)
    started: float = 0.0
    tail: bool = False  # the caller wants the logs (Invoke API LogType=Tail): wait for the pipe to drain


@dataclass
class Outcome:
    """What an invocation produced. ``error_type`` is set for function errors."""

    request_id: str
    payload: bytes
    error_type: str | None = None
    logs: str = ""
    duration_ms: float = 0.0
    init_duration_ms: float | None = None
    max_memory_mb: int = 0

    @property
    def failed(self) -> bool:
        return self.error_type is not None


#: The largest result Lambda returns; a larger one fails the invocation with
#: Function.ResponseSizeTooLarge, and the Runtime API answers the runtime 413 (both as AWS's Runtime
#: Interface Emulator states them: aws/aws-lambda-runtime-interface-emulator, rapi handler tests).
RESPONSE_LIMIT = 6_291_556
RUNTIME_TOO_LARGE = json.dumps(
    {
        "errorMessage": f"Exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).",
        "errorType": "RequestEntityTooLarge",
    },
    separators=(",", ":"),
).encode()


def too_large(size: int) -> bytes:
    """The invocation's error for a result of ``size`` bytes over RESPONSE_LIMIT."""
    message = f"Response payload size ({size} bytes) exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes)."
    return json.dumps({"errorMessage": message, "errorType": "Function.ResponseSizeTooLarge"}).encode()


def error_body(request_id: str, error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": f"RequestId: {request_id} Error: {message}"}).encode()
