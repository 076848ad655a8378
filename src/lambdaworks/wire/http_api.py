"""API Gateway HTTP APIs: payload 2.0, and payload 1.0 (REST's shape with ``version: "1.0"``)."""

from __future__ import annotations

from collections.abc import Mapping
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
def _front_door(domain: str | None, base_path: str, source_ip: str) -> tuple[str, tuple[tuple[str, str], ...]]:
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
    host, front = _front_door(domain, base_path, source_ip)
    given: dict[str, str] = {}
    cookie_values = cookie_list(cookies) if cookies is not None else []
    for sent_name, sent_value in headers.items() if isinstance(headers, Mapping) else headers or ():
        key, value = str(sent_name).lower(), str(sent_value)  # HTTP APIs send names in lower case
        if key == "cookie":  # cookies go to their own list
            cookie_values.extend(c.strip() for c in value.split(";") if c.strip())
        elif key in given:  # repeats are comma-joined
            given[key] = f"{given[key]},{value}"
        else:
            given[key] = value
    merged = {key: value for key, value in front if key not in given}  # API Gateway's own, unless sent
    merged.update(given)
    qpairs = query_pairs(query)
    query_map: dict[str, str] = {}
    for key, value in qpairs:
        query_map[key] = f"{query_map[key]},{value}" if key in query_map else value
    body_text, is_b64 = body_field(body, merged.get("content-type"), binary)
    prefix = base_path or ("" if stage == "$default" else f"/{stage}")
    raw_path = prefix + (unquote(path) if decode_path and "%" in path else path)
    request_time, epoch = request_times()
    request_id = request_id or new_request_id()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": encode_query(query) if query is not None else "",
    }
    if cookie_values:
        event["cookies"] = cookie_values
    event["headers"] = merged
    if query_map:
        event["queryStringParameters"] = query_map
    event["requestContext"] = {
        "accountId": ACCOUNT,
        "apiId": API_ID,
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0],
        "http": {
            "method": method.upper(),
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": merged.get("user-agent", USER_AGENT),
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
    if body_text is not None:
        event["body"] = body_text
    event["isBase64Encoded"] = is_b64
    return event
