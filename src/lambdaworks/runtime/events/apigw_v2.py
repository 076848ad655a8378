"""API Gateway HTTP API events with payload format 2.0.

Request: headers arrive lower-cased with repeats comma-joined; cookies arrive split into
``cookies[]`` and are joined back into one ``Cookie`` header; ``rawQueryString`` and ``rawPath``
are used as sent. A named stage (anything but ``$default``) is at the front of ``rawPath`` and
becomes ``root_path``; a custom-domain API mapping is taken from the ``base_path`` option or
detected from ``routeKey`` + ``pathParameters``.

Result: repeated response headers comma-joined (as HTTP allows), except ``Set-Cookie``, which
goes to ``cookies[]`` one entry per cookie.
"""

from __future__ import annotations

from lambdaworks.runtime.encoding import body_bytes
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


def v2_headers(event: Event) -> tuple[Headers, str | None, str | None, str | None]:
    """``(headers, host, x-forwarded-proto, x-forwarded-port)`` of a 2.0 event, cookies merged."""
    headers: Headers = []
    host = proto = port = None
    raw = event.get("headers")
    if raw:
        for key, value in raw.items():
            if value is None:
                continue
            lower = key.lower()
            headers.append((lower, value))
            if lower == "host":
                host = value
            elif lower == "x-forwarded-proto":
                proto = value
            elif lower == "x-forwarded-port":
                port = value
    cookies = event.get("cookies")
    if cookies:
        headers.append(("cookie", "; ".join(cookies)))
    return headers, host, proto, port


def v2_result(response: HttpResponse, options: Options) -> Result:
    """Result dict of payload format 2.0 (HTTP API and Function URLs)."""
    body, is_base64 = encode_body(response, options)
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for key, value in response.headers:
        if key.lower() == "set-cookie":
            cookies.append(value)
        elif key in headers:
            headers[key] = f"{headers[key]}, {value}"
        else:
            headers[key] = value
    result: Result = {"statusCode": response.status, "headers": headers}
    if cookies:
        result["cookies"] = cookies
    result["body"] = body
    result["isBase64Encoded"] = is_base64
    return result


class ApiGatewayV2(HttpSource):
    """HTTP API, payload format 2.0."""

    name = "apigw-v2"

    def infer(self, event: Event) -> bool:
        context = event.get("requestContext")
        return (
            event.get("version") == "2.0"
            and "rawPath" in event
            and isinstance(context, dict)
            and isinstance(context.get("http"), dict)
            and "routeArn" not in event  # a Lambda authorizer request, not a proxy event
            and not self.is_function_url(context)
        )

    @staticmethod
    def is_function_url(request_context: dict[str, Any]) -> bool:
        domain = request_context.get("domainName")
        return isinstance(domain, str) and ".lambda-url." in domain

    def to_request(self, event: Event, context: Any, options: Options) -> HttpRequest:
        headers, host, proto, port = v2_headers(event)
        request_context = event["requestContext"]
        http = request_context["http"]
        scheme = proto.split(",", 1)[0].strip() if proto else "https"
        if not host:
            host = request_context.get("domainName")
        server_name, server_port = split_host(host, scheme, port)
        root_path, path = self.mount(event, request_context, options)
        return HttpRequest(
            method=http["method"],
            path=path,
            query=event.get("rawQueryString") or "",
            headers=headers,
            body=body_bytes(event.get("body"), bool(event.get("isBase64Encoded"))),
            root_path=root_path,
            scheme=scheme,
            server_name=server_name,
            server_port=server_port,
            client_ip=http.get("sourceIp") or "",
            source=self.name,
            event=event,
            context=context,
        )

    def mount(self, event: Event, request_context: dict[str, Any], options: Options) -> tuple[str, str]:
        """``(root_path, path)``: split ``rawPath`` into mount point and app path."""
        path = event["rawPath"] or "/"
        if not isinstance(path, str):
            raise TypeError("rawPath must be a string")
        if options.base_path:
            rest = strip_prefix(path, options.base_path)
            if rest is not None:
                return options.base_path, rest
        stage = request_context.get("stage")
        if options.strip_stage and isinstance(stage, str) and stage and stage != "$default":
            rest = strip_prefix(path, "/" + stage)
            if rest is not None:
                return "/" + stage, rest
        if options.base_path:
            return "", path
        route_key = event.get("routeKey")
        if isinstance(route_key, str) and " " in route_key:
            found = mount_from_template(path, route_key.split(" ", 1)[1], event.get("pathParameters"))
            if found is not None:
                return found
        return "", path

    def to_result(self, response: HttpResponse, request: HttpRequest, options: Options) -> Result:
        return v2_result(response, options)


class FunctionUrl(ApiGatewayV2):
    """Lambda Function URLs: payload 2.0 on a ``*.lambda-url.*.on.aws`` domain, never mounted."""

    name = "function-url"

    def infer(self, event: Event) -> bool:
        context = event.get("requestContext")
        return (
            event.get("version") == "2.0"
            and "rawPath" in event
            and isinstance(context, dict)
            and isinstance(context.get("http"), dict)
            and self.is_function_url(context)
        )

    def mount(self, event: Event, request_context: dict[str, Any], options: Options) -> tuple[str, str]:
        path = event["rawPath"] or "/"
        if not isinstance(path, str):
            raise TypeError("rawPath must be a string")
        if options.base_path:
            rest = strip_prefix(path, options.base_path)
            if rest is not None:
                return options.base_path, rest
        return "", path
