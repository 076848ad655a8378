"""API Gateway HTTP APIs: payload 2.0, and payload 1.0 (REST's shape with ``version: "1.0"``)."""

from __future__ import annotations

from collections.abc import Mapping
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
    header_pairs,
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
    base_path = normalise_base_path(base_path)
    if route_key is None:  # behind an API mapping the app is usually a greedy proxy route
        route_key = "ANY /{proxy+}" if base_path and path != "/" else "$default"
        if route_key != "$default" and path_parameters is None:
            path_parameters = {"proxy": unquote(path.lstrip("/"))}
    host, front = front_door(domain, base_path, source_ip)
    given = [(k.lower(), v) for k, v in header_pairs(headers)]  # HTTP APIs send names in lower case
    given_names = {k for k, _ in given}
    merged: dict[str, str] = {}
    for key, value in front:  # API Gateway's own headers, unless the client sent its own
        if key.lower() not in given_names:
            merged[key.lower()] = value
    cookie_values = cookie_list(cookies)
    for key, value in given:  # repeats are comma-joined; cookies go to their own list
        if key == "cookie":
            cookie_values.extend(c.strip() for c in value.split(";") if c.strip())
        else:
            merged[key] = f"{merged[key]},{value}" if key in merged else value
    qpairs = query_pairs(query)
    query_map: dict[str, str] = {}
    for key, value in qpairs:
        query_map[key] = f"{query_map[key]},{value}" if key in query_map else value
    body_text, is_b64 = body_field(body, merged.get("content-type"), binary)
    prefix = base_path or ("" if stage == "$default" else f"/{stage}")
    raw_path = prefix + (unquote(path) if decode_path else path)
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
