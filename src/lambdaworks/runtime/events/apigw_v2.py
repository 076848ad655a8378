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

from lambdaworks.runtime.encoding import body_bytes, encode_path
from lambdaworks.runtime.events.base import (
    HttpSource,
    encode_payload,
    mount_from_template,
    native,
    split_host,
    strip_prefix,
)
from lambdaworks.runtime.types import HttpRequest
from lambdaworks.runtime.wsgi import environ_from_event

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambdaworks.runtime.events.base import Options
    from lambdaworks.runtime.types import Event, HttpResponse, Result


def v2_result(response: HttpResponse, options: Options) -> Result:
    """Result dict of payload format 2.0 (HTTP API and Function URLs)."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    content_type = content_encoding = None
    for key, value in response.headers:
        lower = key.lower()
        if lower == "set-cookie":
            cookies.append(value)
            continue
        if lower == "content-type":
            content_type = value
        elif lower == "content-encoding":
            content_encoding = value
        if key in headers:
            headers[key] = f"{headers[key]}, {value}"
        else:
            headers[key] = value
    body, is_base64 = encode_payload(response.body, content_type, content_encoding, options)
    if cookies:
        return {
            "statusCode": response.status,
            "headers": headers,
            "cookies": cookies,
            "body": body,
            "isBase64Encoded": is_base64,
        }
    return {"statusCode": response.status, "headers": headers, "body": body, "isBase64Encoded": is_base64}


class ApiGatewayV2(HttpSource):
    """HTTP API, payload format 2.0."""

    name = "apigw-v2"

    def infer(self, event: Event) -> bool:
        if event.get("version") != "2.0" or "rawPath" not in event or "routeArn" in event:
            return False  # (routeArn: a Lambda authorizer request, not a proxy event)
        context = event.get("requestContext")
        return (
            isinstance(context, dict)
            and isinstance(context.get("http"), dict)
            and ".lambda-url." not in str(context.get("domainName"))
        )

    @staticmethod
    def is_function_url(request_context: dict[str, Any]) -> bool:
        domain = request_context.get("domainName")
        return isinstance(domain, str) and ".lambda-url." in domain

    def to_request(self, event: Event, context: Any, options: Options) -> HttpRequest:
        raw: dict[str, Any] = event.get("headers") or {}
        if None in raw.values():
            raw = {k: v for k, v in raw.items() if v is not None}
        headers = list(raw.items())  # names arrive lower-cased, repeats already comma-joined
        cookies = event.get("cookies")
        if cookies:
            cookie = "; ".join(cookies)
            headers.append(("cookie", cookie))
            headers = native(headers, (cookie, *raw.values()))
        else:
            headers = native(headers, raw.values())
        request_context = event["requestContext"]
        http = request_context["http"]
        proto = raw.get("x-forwarded-proto")
        scheme = (proto.split(",", 1)[0].strip() if "," in proto else proto) if proto else "https"
        server_name, server_port = split_host(
            raw.get("host") or request_context.get("domainName"), scheme, raw.get("x-forwarded-port")
        )
        root_path, path = self.mount(event, request_context, options)
        body = event.get("body")
        return HttpRequest(
            http["method"],
            path,
            event.get("rawQueryString") or "",
            headers,
            body_bytes(body, event.get("isBase64Encoded") is True) if body else b"",
            root_path,
            scheme,
            server_name,
            server_port,
            http.get("sourceIp") or "",
            self.name,
            event,
            context,
        )

    def to_environ(self, event: Event, context: Any, options: Options) -> dict[str, Any]:
        """Event straight to environ: the same result as ``build_environ(to_request(...))``.

        HTTP API headers are lower-case and unique, so the usual event needs no joining and no
        per-value conversion; anything else takes the general path.
        """
        raw = event.get("headers")
        if not raw or None in raw.values() or "cookie" in raw or not "".join(raw.values()).isascii():
            return super().to_environ(event, context, options)
        cookies = event.get("cookies")
        cookie = "; ".join(cookies) if cookies else None
        if cookie is not None and not cookie.isascii():
            return super().to_environ(event, context, options)
        request_context = event["requestContext"]
        http = request_context["http"]
        proto = raw.get("x-forwarded-proto")
        scheme = (proto.split(",", 1)[0].strip() if "," in proto else proto) if proto else "https"
        server = split_host(raw.get("host") or request_context.get("domainName"), scheme, raw.get("x-forwarded-port"))
        root_path, path = self.mount(event, request_context, options)
        environ = environ_from_event(
            event,
            context,
            raw,
            http["method"],
            root_path,
            path,
            event.get("rawQueryString") or "",
            server,
            http.get("sourceIp") or "",
            scheme,
        )
        if environ is None:
            return super().to_environ(event, context, options)
        if cookie is not None:
            environ["HTTP_COOKIE"] = cookie
        return environ

    def mount(self, event: Event, request_context: dict[str, Any], options: Options) -> tuple[str, str]:
        """``(root_path, path)``: split ``rawPath`` (decoded by HTTP APIs: encoded again) into mount
        point and app path."""
        path = event["rawPath"] or "/"
        if not isinstance(path, str):
            raise TypeError("rawPath must be a string")
        path = encode_path(path)
        if not options.base_path and request_context.get("stage") == "$default" and event.get("routeKey") == "$default":
            return "", path  # the common case: nothing to strip, nothing to detect
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

    def to_result(self, response: HttpResponse, event: Event, options: Options) -> Result:
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
