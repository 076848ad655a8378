"""API Gateway REST API (v1) proxy events, and HTTP API events with payload format 1.0.

Request: headers from ``multiValueHeaders`` (every repeat kept) topped up from ``headers``;
query from ``multiValueQueryStringParameters`` (values arrive decoded and are re-encoded);
``path`` is percent-encoded. The mount path (stage or custom-domain base path) becomes
``root_path``: from the ``base_path`` option, from ``requestContext.path`` (which carries the
stage on execute-api domains), from a named stage at the front of the path (HTTP API 1.0), or
from the route template when the path is longer than the route (custom-domain base path).

Result: ``headers`` (last value per name) plus ``multiValueHeaders`` (all values), which API
Gateway merges, so repeated headers such as ``Set-Cookie`` are never lost.
"""

from __future__ import annotations

from lambdaworks.runtime.encoding import body_bytes, urlencode_pairs
from lambdaworks.runtime.events.base import (
    HttpSource,
    encode_body,
    mount_from_template,
    split_host,
    strip_prefix,
)
from lambdaworks.runtime.types import HttpRequest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambdaworks.runtime.events.base import Options
    from lambdaworks.runtime.types import Event, Headers, HttpResponse, Result


def request_headers(event: Event) -> Headers:
    """Headers of a v1-shaped event (REST, HTTP API 1.0, ALB) as lower-case pairs, repeats kept."""
    multi = event.get("multiValueHeaders")
    single = event.get("headers")
    headers: Headers = []
    if multi:
        for key, values in multi.items():
            if values:
                lower = key.lower()
                headers.extend([(lower, v) for v in values if v is not None])
        if single:
            seen = {k for k, _ in headers}
            headers.extend([(k.lower(), v) for k, v in single.items() if v is not None and k.lower() not in seen])
    elif single:
        headers = [(k.lower(), v) for k, v in single.items() if v is not None]
    return headers


def decoded_query(event: Event) -> str:
    """Query string of an API Gateway v1 event, whose parameter values arrive decoded."""
    multi = event.get("multiValueQueryStringParameters")
    if multi:
        return urlencode_pairs([(k, v) for k, values in multi.items() if values for v in values])
    single = event.get("queryStringParameters")
    if single:
        return urlencode_pairs([(k, v) for k, v in single.items() if v is not None])
    return ""


def forwarded(headers: Headers) -> tuple[str, str | None, str | None, str | None]:
    """``(scheme, host, port, first X-Forwarded-For address)`` from request headers."""
    scheme = "https"
    host = port = client = None
    for key, value in headers:
        if key == "host":
            host = value
        elif key == "x-forwarded-proto":
            scheme = value.split(",", 1)[0].strip() or scheme
        elif key == "x-forwarded-port":
            port = value.split(",", 1)[0].strip()
        elif key == "x-forwarded-for" and client is None:
            client = value.split(",", 1)[0].strip()
    return scheme, host, port, client


def result_headers(response: HttpResponse) -> tuple[dict[str, str], dict[str, list[str]]]:
    """``(headers, multiValueHeaders)`` for a v1-shaped result."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in response.headers:
        single[key] = value
        if key in multi:
            multi[key].append(value)
        else:
            multi[key] = [value]
    return single, multi


class ApiGatewayV1(HttpSource):
    """REST API proxy integration (and HTTP API payload 1.0, which has the same shape)."""

    name = "apigw-v1"

    def infer(self, event: Event) -> bool:
        context = event.get("requestContext")
        return (
            "httpMethod" in event
            and "path" in event
            and isinstance(context, dict)
            and "elb" not in context
            and "connectionId" not in context
            and "methodArn" not in event
        )

    def to_request(self, event: Event, context: Any, options: Options) -> HttpRequest:
        headers = request_headers(event)
        scheme, host, port, forwarded_for = forwarded(headers)
        request_context = event["requestContext"]
        root_path, path = self.mount(event, request_context, options)
        identity = request_context.get("identity")
        client_ip = identity.get("sourceIp") if isinstance(identity, dict) else None
        if not host:
            host = request_context.get("domainName")
        server_name, server_port = split_host(host, scheme, port)
        return HttpRequest(
            method=event["httpMethod"],
            path=path,
            query=decoded_query(event),
            headers=headers,
            body=body_bytes(event.get("body"), bool(event.get("isBase64Encoded"))),
            root_path=root_path,
            scheme=scheme,
            server_name=server_name,
            server_port=server_port,
            client_ip=(client_ip or forwarded_for or "").split("/", 1)[0],
            source=self.name,
            event=event,
            context=context,
        )

    @staticmethod
    def mount(event: Event, request_context: dict[str, Any], options: Options) -> tuple[str, str]:
        """``(root_path, path)``: split the event path into mount point and app path."""
        path = event["path"] or "/"
        if not isinstance(path, str):
            raise TypeError("path must be a string")
        if options.base_path:
            rest = strip_prefix(path, options.base_path)
            if rest is not None:
                return options.base_path, rest
        context_path = request_context.get("path")
        if (
            isinstance(context_path, str)
            and len(context_path) > len(path)
            and context_path.endswith(path)
            and path.startswith("/")
        ):
            return context_path[: -len(path)], path
        stage = request_context.get("stage")
        if options.strip_stage and isinstance(stage, str) and stage and stage != "$default":
            rest = strip_prefix(path, "/" + stage)
            if rest is not None:
                return "/" + stage, rest
        if options.base_path:  # explicit mount given but not in the path: execute-api host
            return "", path
        found = mount_from_template(path, event.get("resource"), event.get("pathParameters"))
        if found is not None:
            return found
        return "", path

    def to_result(self, response: HttpResponse, request: HttpRequest, options: Options) -> Result:
        body, is_base64 = encode_body(response, options)
        headers, multi = result_headers(response)
        return {
            "statusCode": response.status,
            "headers": headers,
            "multiValueHeaders": multi,
            "body": body,
            "isBase64Encoded": is_base64,
        }
