"""API Gateway HTTP APIs: payload 2.0, and payload 1.0 (REST's shape with ``version: "1.0"``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from lambdaworks.runtime.context import new_request_id
from lambdaworks.runtime.events.base import normalise_base_path
from lambdaworks.wire.common import (
    ACCOUNT,
    API_ID,
    SOURCE_IP,
    USER_AGENT,
    BodyIn,
    CookiesIn,
    HeadersIn,
    QueryIn,
    body_field,
    cookie_list,
    encode_query,
    front_door,
    query_pairs,
    request_times,
    split_path,
)
from lambdaworks.wire.rest import apigw_v1_event


def http_v1_event(method: str = "GET", path: str = "/", *, stage: str = "$default", **kwargs: Any) -> dict[str, Any]:
    """An HTTP API event with payload format 1.0: REST's shape with ``version: "1.0"``, header names in
    lower case ("All header names are lowercase", the HTTP API guide's payload format structure)."""
    event = apigw_v1_event(method, path, stage=stage, **kwargs)
    event["version"] = "1.0"
    event["path"] = unquote(event["path"])  # an HTTP API's paths arrive decoded (see apigw_v2_event)
    if event["multiValueHeaders"]:
        multi: dict[str, list[str]] = {}
        for key, values in event["multiValueHeaders"].items():
            multi.setdefault(key.lower(), []).extend(values)
        event["multiValueHeaders"] = multi
        event["headers"] = {key: values[-1] for key, values in multi.items()}
    rc = event["requestContext"]
    if stage != "$default" and not kwargs.get("base_path"):
        event["path"] = f"/{stage}{event['path']}"
    rc["path"] = event["path"]
    rc["routeKey"] = f"ANY {event['resource']}"
    return event


@lru_cache(maxsize=256)
def lower_front_door(domain: str | None, base_path: str, source_ip: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """:func:`front_door`'s host and headers, the names in lower case."""
    host, front = front_door(domain, base_path, source_ip)
    return host, tuple((key.lower(), value) for key, value in front)


def apigw_v2_event(
    method: str = "GET",
    path: str = "/",
    *,
    query: QueryIn = None,
    headers: HeadersIn = None,
    body: BodyIn = None,
    cookies: CookiesIn = None,
    stage: str = "$default",
    base_path: str = "",
    domain: str | None = None,
    binary: bool | None = None,
    route_key: str | None = None,
    path_parameters: Mapping[str, str] | None = None,
    stage_variables: Mapping[str, str] | None = None,
    authorizer: Mapping[str, Any] | None = None,
    source_ip: str = SOURCE_IP,
    request_id: str | None = None,
    decode_path: bool = True,
) -> dict[str, Any]:
    """An HTTP API (payload 2.0) event; a named ``stage`` or a ``base_path`` prefixes ``rawPath``.

    An HTTP API hands the path over decoded (``rawPath``: ``/a b`` for ``/a%20b``), as live captures
    show (hotsock/voker pull request 8, cited by middleapi/standard-server pull request 93); a
    Function URL keeps it as sent (``decode_path=False``)."""
    path, query = split_path(path, query)
    base_path = normalise_base_path(base_path) if base_path else ""
    if route_key is None:  # behind an API mapping the app is usually a greedy proxy route
        route_key = "ANY /{proxy+}" if base_path and path != "/" else "$default"
        if route_key != "$default" and path_parameters is None:
            path_parameters = {"proxy": unquote(path.lstrip("/"))}
    host, front = lower_front_door(domain, base_path, source_ip)
    given, cookie_values = sent_headers(
        headers.items() if isinstance(headers, Mapping) else headers or (),
        cookie_list(cookies) if cookies is not None else [],
    )
    merged = merge_headers(front, given)
    body_text, is_b64 = body_field(body, merged.get("content-type"), binary)
    prefix = base_path or ("" if stage == "$default" else f"/{stage}")
    return v2_event(
        method.upper(),
        prefix + (unquote(path) if decode_path and "%" in path else path),
        encode_query(query) if query is not None else "",
        merged,
        cookie_values,
        query_parameters(query),
        body_text,
        is_b64,
        route_key=route_key,
        stage=stage,
        host=host,
        source_ip=source_ip,
        request_id=request_id or new_request_id(),
        path_parameters=path_parameters,
        stage_variables=stage_variables,
        authorizer=authorizer,
    )


def sent_headers(pairs: Iterable[tuple[Any, Any]], cookies: list[str]) -> tuple[dict[str, str], list[str]]:
    """The client's headers as an HTTP API hands them over: names in lower case, a repeat
    comma-joined, ``Cookie`` split into ``cookies`` (appended to the list given)."""
    given: dict[str, str] = {}
    for sent_name, sent_value in pairs:
        key, value = str(sent_name).lower(), str(sent_value)
        if key == "cookie":  # cookies go to their own list
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        elif key in given:
            given[key] = f"{given[key]},{value}"
        else:
            given[key] = value
    return given, cookies


def query_parameters(query: QueryIn) -> dict[str, str]:
    """``queryStringParameters``: decoded, a repeated name's values comma-joined."""
    parameters: dict[str, str] = {}
    for key, value in query_pairs(query):
        parameters[key] = f"{parameters[key]},{value}" if key in parameters else value
    return parameters


def merge_headers(front: Iterable[tuple[str, str]], given: dict[str, str]) -> dict[str, str]:
    """API Gateway's own headers (lower-case names), unless the client sent them, then the client's."""
    merged = {}
    for key, value in front:  # a loop: a comprehension is a call of its own before Python 3.12
        if key not in given:
            merged[key] = value
    merged.update(given)
    return merged


def v2_event(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: dict[str, str],
    cookies: list[str],
    query: dict[str, str],
    body: str | None,
    is_b64: bool,
    *,
    route_key: str,
    stage: str,
    host: str,
    source_ip: str,
    request_id: str,
    path_parameters: Mapping[str, str] | None = None,
    stage_variables: Mapping[str, str] | None = None,
    authorizer: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The payload 2.0 event from its parts, already in the event's own form (the gateway builds
    them from the request in one pass; :func:`apigw_v2_event` from any input)."""
    request_time, epoch = request_times()
    event: dict[str, Any] = {"version": "2.0", "routeKey": route_key, "rawPath": raw_path, "rawQueryString": raw_query}
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = {
        "accountId": ACCOUNT,
        "apiId": API_ID,
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0],
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", USER_AGENT),
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": request_time,
        "timeEpoch": epoch,
    }
    if authorizer:
        event["requestContext"]["authorizer"] = dict(authorizer)
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if stage_variables:
        event["stageVariables"] = dict(stage_variables)
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = is_b64
    return event
