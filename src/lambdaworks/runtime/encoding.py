"""Body and URL encoding rules shared by every event source.

* Responses are base64-encoded unless their content type is text and they are not
  content-encoded (gzip, br, ...): :func:`is_binary_response`.
* Query strings from API Gateway REST arrive decoded and must be re-encoded; paths arrive
  percent-encoded and must be decoded for WSGI/ASGI: :func:`quote`, :func:`unquote_to_bytes`.

Everything here is stdlib-only and avoids importing ``urllib.parse``/``re`` on the hot path.
"""

from __future__ import annotations

import binascii

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    BinaryRule = Callable[[str | None, str | None], bool]

#: Exact media types (no parameters, lower case) treated as text besides ``text/*``.
TEXT_MEDIA_TYPES = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/ecmascript",
        "application/x-javascript",
        "application/xml",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "application/x-ndjson",
        "application/yaml",
        "application/x-yaml",
        "application/toml",
        "application/sql",
        "application/csv",
    }
)

#: Suffixes (RFC 6839 structured syntax) that make a media type text.
TEXT_SUFFIXES = ("+json", "+xml", "+yaml", "+text")


def media_type(content_type: str | None) -> str:
    """``"Text/HTML; charset=utf-8"`` -> ``"text/html"``."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def is_text_media_type(content_type: str | None, extra: Iterable[str] = ()) -> bool:
    """True when ``content_type`` is textual (``text/*``, JSON, XML, JavaScript, form data, ...)."""
    mt = media_type(content_type)
    if not mt:
        return False
    if mt.startswith("text/") or mt in TEXT_MEDIA_TYPES or mt.endswith(TEXT_SUFFIXES):
        return True
    return any(mt == e or (e.endswith("/*") and mt.startswith(e[:-1])) for e in extra)


def is_binary_response(content_type: str | None, content_encoding: str | None) -> bool:
    """Default rule: base64 unless text and not content-encoded (``identity`` counts as none).

    A response without a Content-Type counts as text; if its body is not UTF-8 it is still sent
    as base64 (see ``events.base.encode_body``), so no byte is ever mangled.
    """
    if content_encoding and content_encoding.strip().lower() not in ("identity", ""):
        return True
    return bool(content_type) and not is_text_media_type(content_type)


def cached(rule: BinaryRule, size: int = 256) -> BinaryRule:
    """Memoise a binary rule: apps answer with the same few content types over and over."""
    memo: dict[tuple[str | None, str | None], bool] = {}

    def lookup(content_type: str | None, content_encoding: str | None) -> bool:
        key = (content_type, content_encoding)
        answer = memo.get(key)
        if answer is None:
            answer = rule(content_type, content_encoding)
            if len(memo) < size:
                memo[key] = answer
        return answer

    lookup.__wrapped__ = rule  # type: ignore[attr-defined]
    return lookup


def binary_rule(text_media_types: Iterable[str] = ()) -> BinaryRule:
    """Build a rule like :func:`is_binary_response` that also treats ``text_media_types`` as text.

    Entries are exact media types (``"application/vnd.api"``) or wildcards (``"application/*"``).
    """
    extra = tuple(t.lower() for t in text_media_types)
    if not extra:
        return is_binary_response

    def rule(content_type: str | None, content_encoding: str | None) -> bool:
        if content_encoding and content_encoding.strip().lower() not in ("identity", ""):
            return True
        return bool(content_type) and not is_text_media_type(content_type, extra)

    return rule


def b64encode(data: bytes) -> str:
    """Standard base64 (no newlines) as ``str``."""
    return binascii.b2a_base64(data, newline=False).decode("ascii")


_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n"


def b64decode(data: str | bytes) -> bytes:
    """Decode standard base64, tolerating missing padding; ``ValueError`` if it is not base64."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data.translate(None, _B64_ALPHABET):
        raise ValueError("not base64: characters outside the base64 alphabet")
    missing = -len(data.rstrip(b"\r\n")) % 4
    if missing:
        data += b"=" * missing
    try:
        return binascii.a2b_base64(data)
    except binascii.Error as exc:
        raise ValueError(f"not base64: {exc}") from None


def body_bytes(body: str | bytes | None, is_base64: bool) -> bytes:
    """The request body of an HTTP event as bytes.

    A body flagged ``isBase64Encoded`` that is not base64 at all (hand-written test events often
    get the flag wrong; API Gateway never does) is taken as the text it is rather than decoded
    into garbage.
    """
    if not body:
        return b""
    if is_base64:
        try:
            return b64decode(body)
        except ValueError:
            pass
    if isinstance(body, bytes):
        return body
    return body.encode("utf-8")


# -- URL quoting without urllib.parse (keeps ``re`` off the cold-start path) ------------------

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_QUOTE_TABLE = tuple(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in range(256))


def quote(text: str) -> str:
    """Percent-encode everything but RFC 3986 unreserved characters (as ``quote(s, safe="")``)."""
    if text.isalnum() and text.isascii():
        return text
    return "".join([_QUOTE_TABLE[b] for b in text.encode("utf-8")])


_PATH_BYTES = _UNRESERVED | frozenset(b"/:@!$&'()*+,;=")
_PATH_TABLE = tuple(chr(b) if b in _PATH_BYTES else f"%{b:02X}" for b in range(256))
_PATH_CHARS = frozenset(chr(b) for b in _PATH_BYTES)


def encode_path(path: str) -> str:
    """A decoded path percent-encoded as a client would send it (``/a b/100%`` -> ``/a%20b/100%25``).

    HTTP APIs hand functions the request path already decoded (``rawPath``, and ``path`` in payload
    1.0), unlike REST APIs and Function URLs; encoding it again lets every source be read alike,
    without decoding twice a path that had ``%25`` in it."""
    if _PATH_CHARS.issuperset(path):
        return path
    return "".join([_PATH_TABLE[b] for b in path.encode("utf-8")])


def urlencode_pairs(pairs: Iterable[tuple[str, str]]) -> str:
    """``[("a", "x y"), ("a", "2")]`` -> ``"a=x%20y&a=2"`` (values from decoded maps)."""
    return "&".join([f"{quote(k)}={quote(v)}" for k, v in pairs])


def unquote_to_bytes(text: str) -> bytes:
    """Decode ``%XX`` escapes into raw bytes; malformed escapes are kept literally."""
    raw = text.encode("utf-8")
    if b"%" not in raw:
        return raw
    parts = raw.split(b"%")
    out = bytearray(parts[0])
    for part in parts[1:]:
        try:
            out.append(int(part[:2], 16) if len(part) >= 2 and part[:2].isalnum() else -1)
        except ValueError:
            out += b"%"
            out += part
            continue
        out += part[2:]
    return bytes(out)


def path_to_wsgi(path: str) -> str:
    """A percent-encoded path as the PEP 3333 ``PATH_INFO`` native string (bytes as latin-1)."""
    if "%" not in path:
        return path if path.isascii() else path.encode("utf-8").decode("latin-1")
    return unquote_to_bytes(path).decode("latin-1")


def path_to_asgi(path: str) -> str:
    """A percent-encoded path as the ASGI ``path`` (decoded UTF-8 text)."""
    if "%" not in path:
        return path
    return unquote_to_bytes(path).decode("utf-8", "replace")


def latin1(value: str) -> str:
    """Make a header value representable in latin-1 (WSGI native string) without losing bytes."""
    return value if value.isascii() else value.encode("utf-8").decode("latin-1")


_REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    206: "Partial Content",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def status_line(status: int) -> str:
    """``200`` -> ``"200 OK"`` (ALB's ``statusDescription``)."""
    reason = _REASONS.get(status)
    if reason is None:
        from http import HTTPStatus

        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"{status} {reason}".rstrip()
