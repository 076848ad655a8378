"""WSGI bridge: :func:`build_environ` (pure) and :func:`run_wsgi` (calls the app)."""

from __future__ import annotations

import io
import sys

from lambdaworks.runtime.encoding import body_bytes, path_to_wsgi
from lambdaworks.runtime.types import HttpResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from lambdaworks.runtime.types import HttpRequest

    WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Header name -> environ key, memoised (shared with the sources that build environs directly).
KEYS: dict[str, str] = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


def environ_key(name: str) -> str:
    """``"X-Api-Key"`` -> ``"HTTP_X_API_KEY"`` (memoised: header names repeat across requests)."""
    key = KEYS.get(name)
    if key is None:
        upper = name.upper().replace("-", "_")
        key = upper if upper in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + upper
        if len(KEYS) < 1024:
            KEYS[name] = key
    return key


def base_environ(
    method: str,
    root_path: str,
    path: str,
    query: str,
    server_name: str,
    server_port: int,
    client_ip: str,
    scheme: str,
    body: bytes,
    event: Any,
    context: Any,
) -> dict[str, Any]:
    """Everything in the environ but the headers (``path`` percent-encoded)."""
    return {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": root_path,
        "PATH_INFO": path_to_wsgi(path),
        "QUERY_STRING": query,
        "SERVER_NAME": server_name,
        "SERVER_PORT": str(server_port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": client_ip,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "lambda.event": event,
        "lambda.context": context,
    }


#: How many entries :func:`base_environ` makes (sources use it to spot header-name collisions).
BASE_SIZE = 17


def add_unique_headers(environ: dict[str, Any], headers: dict[str, str]) -> bool:
    """Add headers known to be unique, ASCII and non-None; False if two names map to one key.

    (``X-A``/``x-a`` or ``x-a``/``x_a`` collide: the general path joins those instead.)
    """
    keys = KEYS
    for name, value in headers.items():
        environ[keys.get(name) or environ_key(name)] = value
    return len(environ) == BASE_SIZE + len(headers)


def environ_from_event(
    event: dict[str, Any],
    context: Any,
    headers: dict[str, str],
    method: str,
    root_path: str,
    path: str,
    query: str,
    server: tuple[str, int],
    client_ip: str,
    scheme: str,
) -> dict[str, Any] | None:
    """The fused sources' common tail: body, environ and unique headers; None to take the general path."""
    body = event.get("body")
    data = body_bytes(body, event.get("isBase64Encoded") is True) if body else b""
    environ = base_environ(
        method, root_path, path, query, server[0], server[1], client_ip, scheme, data, event, context
    )
    if not add_unique_headers(environ, headers):
        return None
    if data or "CONTENT_LENGTH" in environ:
        environ["CONTENT_LENGTH"] = str(len(data))
    return environ


def build_environ(request: HttpRequest) -> dict[str, Any]:
    """The PEP 3333 environ for ``request``; the raw event and context ride along."""
    body = request.body
    environ = base_environ(
        request.method,
        request.root_path,
        request.path,
        request.query,
        request.server_name,
        request.server_port,
        request.client_ip,
        request.scheme,
        body,
        request.event,
        request.context,
    )
    keys = KEYS
    for name, value in request.headers:  # values are already native strings
        key = keys.get(name) or environ_key(name)
        if key in environ:
            environ[key] = f"{environ[key]}{'; ' if key == 'HTTP_COOKIE' else ','}{value}"
        else:
            environ[key] = value
    if body or "CONTENT_LENGTH" in environ:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def run_wsgi(app: WsgiApp, environ: dict[str, Any]) -> HttpResponse:
    """Call a WSGI app and collect its whole response."""
    state: list[Any] = []
    written: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
        if exc_info and state and written:
            raise exc_info[1].with_traceback(exc_info[2])
        state[:] = (status, headers)
        return written.append

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)  # C-speed iteration; start_response may run during it
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    if written:  # the legacy write() callable was used: its bytes come first
        body = b"".join(written) + body
    if not state:
        raise RuntimeError("the WSGI application returned without calling start_response")
    status, headers = state
    return HttpResponse(int(status[:3]), headers, body)
