"""API Gateway REST APIs (payload 1.0): the request as a proxy event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    front_door,
    header_pairs,
    proxy_params,
    query_pairs,
    request_times,
    split_path,
)


def apigw_v1_event(
    method: str = "GET",
    path: str = "/",
    *,
    query: QueryIn = None,
    headers: HeadersIn = None,
    body: BodyIn = None,
    cookies: CookiesIn = None,
    stage: str = "Prod",
    base_path: str = "",
    domain: str | None = None,
    binary: bool | None = None,
    resource: str | None = None,
    path_parameters: Mapping[str, str] | None = None,
    stage_variables: Mapping[str, str] | None = None,
    authorizer: Mapping[str, Any] | None = None,
    source_ip: str = SOURCE_IP,
    request_id: str | None = None,
    custom_domain: bool | None = None,
) -> dict[str, Any]:
    """A REST API proxy event. With ``base_path`` (or ``custom_domain``, by default whenever a
    ``domain`` is given) the request came through a custom domain, not the stage's own URL.

    As recorded on AWS: ``requestContext.path`` is the stage and the path as the client sent it,
    while ``path`` collapses a leading ``//``; ``Authorization`` arrives spelled so whatever case
    the client used (other headers keep theirs); ``pathParameters.proxy`` keeps the client's
    percent-encoding and drops a trailing slash.
    """
    client_path, query = split_path(path, query)
    path = "/" + client_path.lstrip("/")
    base_path = normalise_base_path(base_path) if base_path else ""
    if custom_domain is None:
        custom_domain = bool(base_path or domain)
    host, front = front_door(domain, base_path, source_ip)
    given: list[tuple[str, str]] = []
    sent: set[str] = set()  # the names the client sent, in lower case
    for key, value in header_pairs(headers):
        lowered = key.lower()
        sent.add(lowered)
        given.append(("Authorization", value) if lowered == "authorization" else (key, value))
    pairs = [pair for pair in front if pair[0].lower() not in sent]  # API Gateway's own, unless sent
    pairs += given
    cookie_values = cookie_list(cookies) if cookies is not None else []
    if cookie_values:
        pairs.append(("Cookie", "; ".join(cookie_values)))
    single_headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    content_type = user_agent = None  # the first value of each
    for key, value in pairs:  # one pass: both maps, and the two headers the event reads
        single_headers[key] = value
        values = multi_headers.get(key)
        if values is None:
            multi_headers[key] = [value]
        else:
            values.append(value)
        lowered = key.lower()
        if lowered == "content-type":
            content_type = value if content_type is None else content_type
        elif lowered == "user-agent":
            user_agent = value if user_agent is None else user_agent
    qpairs = query_pairs(query)
    multi_query: dict[str, list[str]] = {}
    for key, value in qpairs:
        multi_query.setdefault(key, []).append(value)
    body_text, is_b64 = body_field(body, content_type, binary)
    resource, params = proxy_params(path, resource, path_parameters)
    event_path = base_path + path
    request_time, epoch = request_times()
    request_id = request_id or new_request_id()
    context_path = event_path if custom_domain else f"/{stage}{client_path}"
    return {
        "resource": resource,
        "path": event_path,
        "httpMethod": method.upper(),
        "headers": single_headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": params,
        "stageVariables": dict(stage_variables) if stage_variables else None,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": API_ID,
            "authorizer": dict(authorizer) if authorizer else None,
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "extendedRequestId": request_id[:16] + "=",
            "httpMethod": method.upper(),
            "identity": {
                "sourceIp": source_ip,
                "userAgent": USER_AGENT if user_agent is None else user_agent,
                "accountId": None,
                "caller": None,
                "user": None,
                "userArn": None,
                "accessKey": None,
                "cognitoIdentityId": None,
            },
            "path": context_path,
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": request_time,
            "requestTimeEpoch": epoch,
            "resourceId": "abc123",
            "resourcePath": resource,
            "stage": stage,
        },
        "body": body_text,
        "isBase64Encoded": is_b64,
    }
