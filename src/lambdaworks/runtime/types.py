"""The two values every HTTP translation passes through: :class:`HttpRequest` and :class:`HttpResponse`.

Event sources turn an event into an ``HttpRequest``; the WSGI/ASGI bridges run the app and return
an ``HttpResponse``; the event source turns that into the result dict Lambda returns. Plain
``__slots__`` classes (not dataclasses) keep the import and construction cost low: this module is
on every function's cold-start path.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    Event = dict[str, Any]
    Result = dict[str, Any]
    Headers = list[tuple[str, str]]
    LambdaHandler = Callable[[Any, Any], Any]
    EventHandler = Callable[[Any, Any], Any]


def find_header(headers: Iterable[tuple[str, str]], name: str, default: str | None = None) -> str | None:
    """The first value of header ``name`` (case-insensitive) in ``(name, value)`` pairs, or ``default``."""
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return default


class HttpRequest:
    """An HTTP request decoded from a Lambda event.

    ``path`` is the percent-encoded path relative to ``root_path`` (the stage or custom-domain base
    path the app is mounted under); ``query`` is the percent-encoded query string; ``headers``
    keeps every value of a repeated header as its own entry, names spelled as the event has them
    (API Gateway v2 and ALB send lower case, REST keeps the client's case), values as native
    strings in the WSGI sense: one character per byte of the value's UTF-8 encoding.
    """

    __slots__ = (
        "body",
        "client_ip",
        "context",
        "event",
        "headers",
        "method",
        "path",
        "query",
        "root_path",
        "scheme",
        "server_name",
        "server_port",
        "source",
    )

    def __init__(  # positional calls are the fast path (every invocation builds one)
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Headers | None = None,
        body: bytes = b"",
        root_path: str = "",
        scheme: str = "https",
        server_name: str = "localhost",
        server_port: int = 443,
        client_ip: str = "",
        source: str = "",
        event: Any = None,
        context: Any = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers if headers is not None else []
        self.body = body
        self.root_path = root_path
        self.scheme = scheme
        self.server_name = server_name
        self.server_port = server_port
        self.client_ip = client_ip
        self.source = source
        self.event = event
        self.context = context

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return the first value of header ``name`` (case-insensitive), or ``default``."""
        return find_header(self.headers, name, default)

    def __repr__(self) -> str:
        return f"<HttpRequest {self.method} {self.root_path}{self.path}?{self.query} from {self.source}>"


class HttpResponse:
    """What the app answered: status, headers in order (repeats kept, case as sent), body bytes."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: Headers | None = None, body: bytes = b"") -> None:
        self.status = status
        self.headers = headers if headers is not None else []
        self.body = body

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return the first value of header ``name`` (case-insensitive), or ``default``."""
        return find_header(self.headers, name, default)

    def __repr__(self) -> str:
        return f"<HttpResponse {self.status} {len(self.body)} bytes>"
