"""What the HTTP fronts share: header, query, body and cookie rules, and AWS's constants for local events."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from lambdaworks.runtime.encoding import is_text_media_type

HeadersIn = Mapping[str, str] | Iterable[tuple[str, str]] | None
QueryIn = Mapping[str, str | list[str]] | Iterable[tuple[str, str]] | str | None
BodyIn = bytes | str | None
CookiesIn = Mapping[str, str] | Iterable[str] | None

#: The account and region local events and ARNs are made in.
REGION = "us-east-1"
ACCOUNT = "123456789012"
API_ID = "abcdef1234"
SOURCE_IP = "203.0.113.7"
USER_AGENT = "lambdaworks-testing"


def header_pairs(headers: HeadersIn) -> list[tuple[str, str]]:
    """Headers as ordered pairs (a mapping, or pairs to express repeats)."""
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return [(str(k), str(v)) for k, v in headers.items()]
    return [(str(k), str(v)) for k, v in headers]


def query_pairs(query: QueryIn) -> list[tuple[str, str]]:
    """Decoded query pairs from a query string, a mapping (lists for repeats) or pairs."""
    if not query:
        return []
    if isinstance(query, str):
        return parse_qsl(query.lstrip("?"), keep_blank_values=True)
    if isinstance(query, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, value in query.items():
            values = value if isinstance(value, list) else [value]
            pairs.extend((str(key), str(v)) for v in values)
        return pairs
    return [(str(k), str(v)) for k, v in query]


def encode_query(query: QueryIn) -> str:
    """The query as the client would have sent it (encoded)."""
    if isinstance(query, str):
        return query.lstrip("?")
    return urlencode(query_pairs(query), quote_via=quote)


def body_field(body: BodyIn, content_type: str | None, binary: bool | None) -> tuple[str | None, bool]:
    """``(body, isBase64Encoded)``: binary when asked, when bytes are not UTF-8, or not text."""
    if body is None or body in {b"", ""}:
        return (None, False)
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if binary is None:
        try:
            raw.decode("utf-8")
            binary = bool(content_type) and not is_text_media_type(content_type) and not isinstance(body, str)
        except UnicodeDecodeError:
            binary = True
    if binary:
        return base64.b64encode(raw).decode("ascii"), True
    return raw.decode("utf-8", "replace"), False  # as API Gateway passes a non-binary body


def cookie_list(cookies: Mapping[str, str] | Iterable[str] | None) -> list[str]:
    """``{"a": "1"}`` or ``["a=1"]`` -> ``["a=1"]``."""
    if cookies is None:
        return []
    if isinstance(cookies, Mapping):
        return [f"{k}={v}" for k, v in cookies.items()]
    return list(cookies)


PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_ENCODED_PATH = re.compile(r"[A-Za-z0-9/%:@!$&'()*+,;=\-._~]+")  # a path as a client sends it: nothing to quote


def split_path(path: str, query: QueryIn) -> tuple[str, QueryIn]:
    """``(path, query)``: the path percent-encoded as a client sends it (``%`` kept), and an inline
    ``?query`` used when no ``query`` was given."""
    inline = None
    if "?" in path:
        path, inline = path.split("?", 1)
    encoded = path if _ENCODED_PATH.fullmatch(path) else quote(path or "/", safe=PATH_SAFE)
    return encoded, query if query is not None or inline is None else inline


_STAMP: list[Any] = [-1, ""]  # the last second formatted, and its text (strftime is slow)


def request_times() -> tuple[str, int]:
    """``requestContext.time`` (``22/Nov/2026:16:21:33 +0000``) and ``timeEpoch`` (ms) for now."""
    now = time.time()
    second = int(now)
    if second != _STAMP[0]:
        _STAMP[:] = [second, time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(second))]
    return _STAMP[1], int(now * 1000)


@lru_cache(maxsize=256)
def front_door(domain: str | None, base_path: str, source_ip: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The host the request came to (a custom domain behind a base path, else execute-api) and the
    headers API Gateway adds to every request, in REST's spelling (remembered: the same few for
    every request)."""
    host = domain or ("api.example.com" if base_path else f"{API_ID}.execute-api.{REGION}.amazonaws.com")
    return host, (
        ("Host", host),
        ("User-Agent", USER_AGENT),
        ("X-Forwarded-For", source_ip),
        ("X-Forwarded-Port", "443"),
        ("X-Forwarded-Proto", "https"),
    )


def proxy_params(
    path: str, resource: str | None, path_parameters: Mapping[str, str] | None
) -> tuple[str, dict[str, str] | None]:
    """A REST event's ``resource`` and ``pathParameters``: the given ones, else a greedy ``{proxy+}``."""
    if resource is not None:
        return resource, dict(path_parameters) if path_parameters is not None else None
    if path == "/":
        return "/", None
    return "/{proxy+}", {"proxy": path.strip("/")}  # as the client encoded it, without a trailing slash
