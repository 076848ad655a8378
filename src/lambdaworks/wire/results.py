"""A function's result as the client sees it: each front's checks, then status, headers and body.

API Gateway validates a proxy result before it answers; a result it cannot use is its own error
(REST: ``502 {"message": "Internal server error"}``), never a half-read response. The gateway,
the in-process test client and ``lambdaworks call`` all read results here, so a result that fails
under ``lambdaworks dev`` fails the same way in a unit test.
"""

from __future__ import annotations

import base64
import json
import json.scanner
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from lambdaworks.runtime.types import find_header

#: The keys of a REST proxy result; any other key makes API Gateway answer 502.
V1_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded", "statusDescription"})
#: What API Gateway answers for a result it cannot use (REST), and for a failed function on an HTTP API.
REST_FAILURE = (502, b'{"message": "Internal server error"}')
HTTP_FAILURE = (500, b'{"message":"Internal Server Error"}')

#: The binaryMediaTypes entry that makes every response binary-capable, and its SAM spelling
#: ("/" is "~1" in a SAM/CloudFormation BinaryMediaTypes list): the one value the project uses.
ALL_MEDIA_TYPES = "*/*"
ALL_MEDIA_TYPES_SAM = ALL_MEDIA_TYPES.replace("/", "~1")

#: The fronts by the shape of the result they take.
REST, HTTP_V1, HTTP_V2, FUNCTION_URL, ALB = "rest", "http-v1", "http-v2", "function-url", "alb"


class MalformedResult(Exception):
    """The front cannot use the function's result (the message says why, for the log)."""


@dataclass(slots=True)
class HttpResponse:
    """What the client receives."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def malformed(front: str) -> HttpResponse:
    """The front's own answer to a result it cannot use (a function URL's is plain text: see
    :mod:`lambdaworks.local.function_urls`)."""
    if front == FUNCTION_URL:
        return HttpResponse(502, [("Content-Type", "text/plain")], b"Internal Server Error")
    status, body = REST_FAILURE
    return HttpResponse(status, [("Content-Type", "application/json")], body)


def media_matches(content_type: str | None, patterns: Iterable[str]) -> bool:
    """API Gateway's ``binaryMediaTypes`` matching (``*/*``, ``image/*``; ``~1`` stands for ``/``)."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    for raw in patterns:
        pattern = raw.replace("~1", "/").lower()
        if pattern in (ALL_MEDIA_TYPES, media) or (pattern.endswith("/*") and media.startswith(pattern[:-1])):
            return True
    return False


#: json's own C scanner, called straight: one call for a compact result (what runtimes send)
#: where ``json.loads`` takes three Python frames and two whitespace matches.
_SCAN: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(cast(Any, json.JSONDecoder()))


def parse_payload(payload: bytes) -> Any:
    """The function's result from its response payload (MalformedResult when it is not UTF-8 JSON)."""
    try:
        text = payload.decode()  # str: json.loads(bytes) first sniffs the encoding
        try:
            result, end = _SCAN(text, 0)
            if end == len(text):
                return result
        except StopIteration:  # not a value at 0: leading space, or not JSON (json.loads says which)
            pass
        return json.loads(text)  # surrounding whitespace, or what follows the value: json's verdict
    except ValueError as exc:  # not JSON, or not UTF-8
        raise MalformedResult(f"the result is not JSON: {exc}") from None


def header_text(value: Any) -> str:
    """A header value as API Gateway writes it: JSON's spelling of booleans and null, numbers as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def to_response(
    front: str,
    result: Any,
    *,
    accept: str | None = None,
    binary_media_types: Iterable[str] = (),
    payload: bytes | None = None,
) -> HttpResponse:
    """The response ``front`` sends for ``result`` (MalformedResult where the front answers with its own error).

    ``accept`` (the request's ``Accept``) and ``binary_media_types`` decide, on a REST API, whether
    a base64 body is decoded. ``payload``, the result as the function sent it, is the body of an
    inferred payload 2.0 response byte for byte.
    """
    if front in (HTTP_V2, HTTP_V1, FUNCTION_URL) and (not isinstance(result, dict) or "statusCode" not in result):
        # payload 2.0 infers the response: a result without statusCode is a JSON body, a string as it is
        if isinstance(result, str):
            body = result.encode()
        else:
            body = payload if payload is not None else json.dumps(result).encode()
        return HttpResponse(200, [("Content-Type", "application/json")], body)
    if not isinstance(result, dict):
        raise MalformedResult(f"the result is a JSON {type(result).__name__}, not an object")
    if front == REST:
        unknown = sorted(set(result) - V1_KEYS)
        if unknown:
            raise MalformedResult(f"the result has keys a REST API does not take: {', '.join(unknown)}")
        if not result:
            raise MalformedResult("the result is an empty object")
    status = status_of(result.get("statusCode", 200))
    headers = headers_of(result)
    if front == REST and find_header(headers, "content-type") is None:
        headers.append(("Content-Type", "application/json"))
    cookies = result.get("cookies") if front in (HTTP_V2, FUNCTION_URL) else None
    if cookies:
        headers.extend(("Set-Cookie", str(cookie)) for cookie in cookies)
    given = result.get("body")
    raw = b"" if given is None else str(given).encode()
    if result.get("isBase64Encoded") and (front != REST or media_matches(first_media(accept), binary_media_types)):
        try:
            raw = base64.b64decode(raw, validate=False)
        except ValueError:
            raise MalformedResult("isBase64Encoded is true but the body is not base64") from None
    return HttpResponse(status, headers, raw)


def first_media(accept: str | None) -> str | None:
    """The first media type a request's ``Accept`` names (the one API Gateway matches)."""
    return accept.split(",", 1)[0] if accept else None


def status_of(value: Any) -> int:
    try:
        status = int(value)
    except (TypeError, ValueError):
        raise MalformedResult(f"statusCode {value!r} is not a number") from None
    if isinstance(value, bool) or not 100 <= status <= 599:
        raise MalformedResult(f"statusCode {value!r} is not an HTTP status")
    return status


def headers_of(result: dict[str, Any]) -> list[tuple[str, str]]:
    """``multiValueHeaders`` then ``headers`` (a value already sent under the same name is not repeated)."""
    single = result.get("headers") or {}
    multi = result.get("multiValueHeaders") or {}
    if not isinstance(single, dict) or not isinstance(multi, dict):
        raise MalformedResult("headers and multiValueHeaders must be objects")
    # (a str is its own header text: the common case, without a call)
    if not multi:
        return [(key, value if type(value) is str else header_text(value)) for key, value in single.items()]
    headers: list[tuple[str, str]] = []
    for key, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResult(f"multiValueHeaders[{key!r}] is not a list")
        headers.extend((key, header_text(v)) for v in values)
    for key, value in single.items():
        pair = (key, header_text(value))
        if pair not in headers:
            headers.append(pair)
    return headers
