"""Application Load Balancer target events, single-value and multi-value header modes.

ALB passes the query string through url-encoded as the client sent it (unlike API Gateway),
so values are joined without re-encoding. With multi-value headers enabled on the target group
the event carries ``multiValueHeaders``/``multiValueQueryStringParameters`` and the result must
use ``multiValueHeaders``. In single-value mode a header can appear once, so repeated
``Set-Cookie`` headers are sent under distinct spellings of the name (``Set-Cookie``,
``set-cookie``, ``SET-COOKIE``...), which ALB forwards as separate headers: no cookie is lost.
"""

from __future__ import annotations

from lambdaworks.runtime.encoding import body_bytes, status_line
from lambdaworks.runtime.events.apigw_v1 import forwarded, request_headers, unique_headers, v1_result
from lambdaworks.runtime.events.base import HttpSource, encode_body, split_host, strip_prefix
from lambdaworks.runtime.types import HttpRequest
from lambdaworks.runtime.wsgi import environ_from_event

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambdaworks.runtime.events.base import Options
    from lambdaworks.runtime.types import Event, HttpResponse, Result


def case_variants(name: str, count: int = 128) -> list[str]:
    """``count`` distinct spellings of a header name (at most 128), first the name as given: one per
    repeated Set-Cookie, which a single-value ALB response can only carry under different cases."""
    lower = name.lower()
    variants = [name]
    count = min(count, 128)
    letters = [i for i, c in enumerate(lower) if c.isalpha()]
    for mask in range(1 << len(letters)):
        chars = list(lower)
        for bit, index in enumerate(letters):
            if mask >> bit & 1:
                chars[index] = chars[index].upper()
        candidate = "".join(chars)
        if candidate not in variants:
            variants.append(candidate)
        if len(variants) >= count:
            break
    return variants


def raw_query(event: Event) -> str:
    """ALB's query parameters are still url-encoded: join them as they are."""
    multi = event.get("multiValueQueryStringParameters")
    if multi:
        return "&".join([f"{k}={v}" if v != "" else k for k, vs in multi.items() if vs for v in vs])
    single = event.get("queryStringParameters")
    if single:
        return "&".join([f"{k}={v}" if v != "" else k for k, v in single.items() if v is not None])
    return ""


class Alb(HttpSource):
    """Application Load Balancer with a Lambda target group."""

    name = "alb"

    def infer(self, event: Event) -> bool:
        context = event.get("requestContext")
        return isinstance(context, dict) and "elb" in context and "httpMethod" in event

    def to_environ(self, event: Event, context: Any, options: Options) -> dict[str, Any]:
        """Event straight to environ when no header repeats (see ``ApiGatewayV1.to_environ``)."""
        single = unique_headers(event)
        if single is None:
            return super().to_environ(event, context, options)
        scheme, host, port, client = forwarded(single, [])
        server = split_host(host, scheme, port)
        root_path, path = self.mount(event, options)
        environ = environ_from_event(
            event, context, single, event["httpMethod"], root_path, path, raw_query(event), server, client or "", scheme
        )
        return environ if environ is not None else super().to_environ(event, context, options)

    @staticmethod
    def mount(event: Event, options: Options) -> tuple[str, str]:
        """``(root_path, path)``: only an explicit ``base_path`` mounts an ALB target."""
        path = event.get("path") or "/"
        if not isinstance(path, str):
            raise TypeError("path must be a string")
        if options.base_path:
            rest = strip_prefix(path, options.base_path)
            if rest is not None:
                return options.base_path, rest
        return "", path

    def to_request(self, event: Event, context: Any, options: Options) -> HttpRequest:
        headers = request_headers(event)
        scheme, host, port, client = forwarded(event.get("headers"), headers)
        server_name, server_port = split_host(host, scheme, port)
        root_path, path = self.mount(event, options)
        body = event.get("body")
        return HttpRequest(
            event["httpMethod"],
            path,
            raw_query(event),
            headers,
            body_bytes(body, event.get("isBase64Encoded") is True) if body else b"",
            root_path,
            scheme,
            server_name,
            server_port,
            client or "",
            self.name,
            event,
            context,
        )

    def to_result(self, response: HttpResponse, event: Event, options: Options) -> Result:
        if "multiValueHeaders" in event:
            result = v1_result(response, options, single=False)
            result["statusDescription"] = status_line(response.status)
            return result
        body, is_base64 = encode_body(response, options)
        return {
            "statusCode": response.status,
            "statusDescription": status_line(response.status),
            "headers": self.single_headers(response),
            "body": body,
            "isBase64Encoded": is_base64,
        }

    @staticmethod
    def single_headers(response: HttpResponse) -> dict[str, str]:
        headers: dict[str, str] = {}
        lower_seen: dict[str, str] = {}
        cookies: list[str] = []
        cookie_name = "Set-Cookie"
        for key, value in response.headers:
            lower = key.lower()
            if lower == "set-cookie":
                if not cookies:
                    cookie_name = key
                cookies.append(value)
            elif lower in lower_seen:
                first = lower_seen[lower]
                headers[first] = f"{headers[first]}, {value}"
            else:
                lower_seen[lower] = key
                headers[key] = value
        if cookies:
            for name, value in zip(case_variants(cookie_name, len(cookies)), cookies, strict=False):
                headers[name] = value
        return headers
