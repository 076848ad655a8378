"""What every HTTP event source shares: the source interface, options, and mount-path detection.

An HTTP source has a ``name``, ``infer(event) -> bool`` (cheap, shape-only), ``to_request`` and
``to_result``. Sources are tried in a fixed order by the adapter (see ``events/__init__.py``).
"""

from __future__ import annotations

from lambdaworks.runtime.encoding import b64encode, is_binary_response, latin1

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from lambdaworks.runtime.encoding import BinaryRule
    from lambdaworks.runtime.types import Event, Headers, HttpRequest, HttpResponse, Result


class Options:
    """Per-handler translation options (set once by ``lambdaworks.handler``)."""

    __slots__ = ("base_path", "is_binary", "strip_stage")

    def __init__(
        self,
        *,
        base_path: str = "",
        is_binary: BinaryRule = is_binary_response,
        strip_stage: bool = True,
    ) -> None:
        self.base_path = normalise_base_path(base_path)
        self.is_binary = is_binary
        self.strip_stage = strip_stage


class HttpSource:
    """Interface of an HTTP event source; subclasses implement the three methods."""

    name = "http"

    def infer(self, event: Event) -> bool:
        """True when ``event`` has this source's shape."""
        raise NotImplementedError

    def to_request(self, event: Event, context: Any, options: Options) -> HttpRequest:
        """Translate the event into an :class:`HttpRequest`."""
        raise NotImplementedError

    def to_environ(self, event: Event, context: Any, options: Options) -> dict[str, Any]:
        """The WSGI environ for the event; sources may fuse the two steps for speed."""
        from lambdaworks.runtime.wsgi import build_environ

        return build_environ(self.to_request(event, context, options))

    def to_result(self, response: HttpResponse, event: Event, options: Options) -> Result:
        """Translate the app's response into the dict this source expects back."""
        raise NotImplementedError


def normalise_base_path(base_path: str) -> str:
    """``"api/"`` -> ``"/api"``; ``"/"`` and ``""`` -> ``""``."""
    base_path = base_path.strip().strip("/")
    return f"/{base_path}" if base_path else ""


def strip_prefix(path: str, prefix: str) -> str | None:
    """``path`` without ``prefix`` when it starts with it on a segment boundary, else None."""
    if not prefix or not path.startswith(prefix):
        return None
    rest = path[len(prefix) :]
    if not rest:
        return "/"
    if rest[0] == "/":
        return rest
    return None


def fill_template(template: str, params: dict[str, Any] | None) -> str | None:
    """``"/items/{id}"`` + ``{"id": "7"}`` -> ``"/items/7"``; None when a parameter is missing."""
    if "{" not in template:
        return template
    params = params or {}
    out = []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        name, closed, rest = tail.partition("}")
        if not closed:
            return None
        value = params.get(name.rstrip("+"))
        if not isinstance(value, str):
            return None
        out.append(head)
        out.append(value)
    out.append(rest)
    return "".join(out)


def mount_from_template(path: str, template: str | None, params: Any) -> tuple[str, str] | None:
    """Detect a custom-domain base path: the path ends with the filled route template.

    Returns ``(root_path, path)`` when ``path`` is the base path followed by the route, else None.
    """
    if not template or (not isinstance(params, dict) and params is not None):
        return None
    filled = fill_template(template, params)
    if not filled or filled == "/" or len(filled) >= len(path):
        return None
    from lambdaworks.runtime.encoding import unquote_to_bytes

    decoded = unquote_to_bytes(path).decode("utf-8", "replace") if "%" in path else path
    if not decoded.endswith(filled):
        return None
    root = decoded[: -len(filled)]
    if not root.startswith("/") or root.endswith("/") or decoded == filled:
        return None
    return root, path[len(root) :] if path.startswith(root) else filled


_PORTS = {"443": 443, "80": 80}


def _is_port(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` accepts ``"¹"``, which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def split_host(host: str | None, scheme: str, port_header: str | None) -> tuple[str, int]:
    """``Host`` header + ``X-Forwarded-Port`` -> ``(server_name, server_port)``."""
    port = _PORTS.get(port_header) if port_header else None
    if port is None:
        port = int(port_header) if port_header and _is_port(port_header) else (443 if scheme == "https" else 80)
    if not host:
        return "localhost", port
    if ":" not in host:
        return host, port
    if host.startswith("["):  # IPv6 literal
        name, _, rest = host.partition("]")
        name += "]"
        if rest.startswith(":") and _is_port(rest[1:]):
            port = int(rest[1:])
        return name, port
    name, sep, port_text = host.rpartition(":")
    if sep and _is_port(port_text):
        return name, int(port_text)
    return host, port


def encode_payload(
    body: bytes, content_type: str | None, content_encoding: str | None, options: Options
) -> tuple[str, bool]:
    """A response body as the ``(body, isBase64Encoded)`` pair of a Lambda HTTP result."""
    if not body:
        return "", False
    if options.is_binary(content_type, content_encoding):
        return b64encode(body), True
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:  # says text, is not UTF-8: never mangle, ship the bytes
        return b64encode(body), True


def encode_body(response: HttpResponse, options: Options) -> tuple[str, bool]:
    """:func:`encode_payload` for a response, finding its Content-Type/-Encoding headers."""
    content_type = content_encoding = None
    for key, value in response.headers:
        lower = key.lower()
        if lower == "content-type":
            content_type = value
        elif lower == "content-encoding":
            content_encoding = value
    return encode_payload(response.body, content_type, content_encoding, options)


def native(headers: Headers, values: Iterable[str]) -> Headers:
    """``headers`` with values as WSGI native strings; ``values`` are theirs, checked in one go."""
    if "".join(values).isascii():
        return headers
    return [(k, latin1(v)) for k, v in headers]
