"""Errors raised by the runtime adapter.

Class tree::

    LambdaworksRuntimeError
    ├── UnsupportedEvent          the event matches no HTTP source and no registered handler
    │   └── MalformedEvent        it looked like a known source but a field had the wrong shape
    ├── LifespanError             ASGI lifespan startup failed (raised at init, i.e. cold start)
    ├── ConfigurationError        bad options given to ``lambdaworks.handler``
    └── EventDeliveryError        the app answered a forwarded non-HTTP event with an error status

Every error keeps its context as attributes so callers (and tests) need not parse messages.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


class LambdaworksRuntimeError(Exception):
    """Base class of every error the runtime adapter raises on purpose."""


class UnsupportedEvent(LambdaworksRuntimeError):
    """The event is not one this handler knows how to route."""

    def __init__(self, message: str, *, keys: Iterable[str] = (), source: str | None = None) -> None:
        super().__init__(message)
        self.keys = sorted(str(k) for k in keys)
        self.source = source


class MalformedEvent(UnsupportedEvent):
    """The event claimed to be from a known source, but one of its fields had the wrong shape."""


class LifespanError(LambdaworksRuntimeError):
    """The ASGI application's lifespan startup failed; the execution environment cannot serve."""


class ConfigurationError(LambdaworksRuntimeError):
    """An option given to ``lambdaworks.handler`` is invalid."""


class EventDeliveryError(LambdaworksRuntimeError):
    """A non-HTTP event forwarded to the app's events path got an error response."""

    def __init__(self, message: str, *, status: int, body: bytes) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
