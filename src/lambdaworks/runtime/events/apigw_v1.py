"""API Gateway REST API (v1) proxy events, and HTTP API events with payload format 1.0.

Request: headers from ``multiValueHeaders`` (every repeat kept) topped up from ``headers``;
query from ``multiValueQueryStringParameters`` (values arrive decoded and are re-encoded);
``path`` is percent-encoded. The mount path (stage or custom-domain base path) becomes
``root_path``: the ``base_path`` option; else ``requestContext.path``, which carries the stage on
execute-api domains; else a named stage at the front of the path (HTTP API 1.0); else the part
of the path in front of the filled route template (a custom-domain base path).

Result: ``headers`` (last value per name) plus ``multiValueHeaders`` (all values), which API
Gateway merges, so repeated headers such as ``Set-Cookie`` are never lost.
"""

from __future__ import annotations

from lambdaworks.runtime.encoding import body_bytes, encode_path, urlencode_pairs
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
    from lambdaworks.runtime.types import Event, Headers, HttpResponse, Result


def request_headers(event: Event) -> Headers:
    """Headers of a v1-shaped event (REST, HTTP API 1.0, ALB) as pairs, repeats kept, names as sent."""
    multi = event.get("multiValueHeaders")
    single = event.get("headers")
    if not multi:
        if not single:
            return []
        if None in single.values():
            single = {k: v for k, v in single.items() if v is not None}
        return native(list(single.items()), single.values())
    if single and single.keys() == multi.keys() and set(map(len, multi.values())) == {1}:
        # the usual case: no repeats, so the two maps hold the same values
        if None in single.values():
            single = {k: v for k, v in single.items() if v is not None}
            return native([(k, v[0]) for k, v in multi.items() if k in single], single.values())
        return native([(k, v[0]) for k, v in multi.items()], single.values())
    headers: Headers = [(k, v) for k, values in multi.items() if values for v in values if v is not None]
    if single and single.keys() != multi.keys():
        seen = {k.lower() for k in multi}
        headers.extend([(k, v) for k, v in single.items() if v is not None and k.lower() not in seen])
    return native(headers, [v for _, v in headers])


def unique_headers(event: Event) -> dict[str, str] | None:
    """The headers as one name -> value map when that says everything, else None.

    That is when no header repeats (so the single- and multi-value maps agree), none is None and
    every value is ASCII: the case the fused ``to_environ`` paths handle.
    """
    single = event.get("headers")
    multi = event.get("multiValueHeaders")
    if multi:
        if sum(map(len, multi.values())) != len(multi):  # with the zip below: one value per name
            return None
        firsts = next(zip(*multi.values(), strict=False), None)
        if firsts is None:
            return None
        if not single:
            single = dict(zip(multi, firsts, strict=True))
        elif multi.keys() != single.keys() or firsts != tuple(single.values()):
            return None  # maps that disagree: the multi-value map is the truth
    if not single or None in single.values() or not "".join(single.values()).isascii():
        return None
    return single  # type: ignore[no-any-return]


def decoded_query(event: Event) -> str:
    """Query string of an API Gateway v1 event, whose parameter values arrive decoded."""
    multi = event.get("multiValueQueryStringParameters")
    if multi:
        return urlencode_pairs([(k, v) for k, values in multi.items() if values for v in values])
    single = event.get("queryStringParameters")
    if single:
        return urlencode_pairs([(k, v) for k, v in single.items() if v is not None])
    return ""


def forwarded(single: dict[str, Any] | None, headers: Headers) -> tuple[str, str | None, str | None, str | None]:
    """``(scheme, host, port, first X-Forwarded-For address)`` from the single-value header map,
    or from the header pairs when there is no such map."""
    if single:  # REST keeps the client's spelling; ALB sends lower case
        host = single.get("Host") or single.get("host")
        proto = single.get("X-Forwarded-Proto") or single.get("x-forwarded-proto")
        port = single.get("X-Forwarded-Port") or single.get("x-forwarded-port")
        client = single.get("X-Forwarded-For") or single.get("x-forwarded-for")
    else:
        found: dict[str, str] = {}
        for key, value in headers:
            found.setdefault(key.lower(), value)
        host, proto, port = found.get("host"), found.get("x-forwarded-proto"), found.get("x-forwarded-port")
        client = found.get("x-forwarded-for")
    scheme = (proto.split(",", 1)[0].strip() if "," in proto else proto) if proto else "https"
    if port and "," in port:
        port = port.split(",", 1)[0].strip()
    if client:
        client = client.split(",", 1)[0].strip()
    return scheme, host, port, client


def v1_result(response: HttpResponse, options: Options, *, single: bool = True) -> Result:
    """A result with ``multiValueHeaders`` (all values) and, if ``single``, ``headers`` (last value)."""
    headers: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    content_type = content_encoding = None
    for key, value in response.headers:
        headers[key] = value
        if key in multi:
            multi[key].append(value)
        else:
            multi[key] = [value]
            lower = key.lower()
            if lower == "content-type":
                content_type = value
            elif lower == "content-encoding":
                content_encoding = value
    body, is_base64 = encode_payload(response.body, content_type, content_encoding, options)
    if single:
        return {
            "statusCode": response.status,
            "headers": headers,
            "multiValueHeaders": multi,
            "body": body,
            "isBase64Encoded": is_base64,
        }
    return {"statusCode": response.status, "multiValueHeaders": multi, "body": body, "isBase64Encoded": is_base64}


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

    def to_environ(self, event: Event, context: Any, options: Options) -> dict[str, Any]:
        """Event straight to environ: the same result as ``build_environ(to_request(...))``.

        Taken when no header repeats (the multi-value map then holds exactly the single-value
        map's values) and every value is ASCII; anything else takes the general path.
        """
        single = unique_headers(event)
        if single is None:
            return super().to_environ(event, context, options)
        request_context = event["requestContext"]
        scheme, server, client_ip = self.origin(single, [], request_context)
        root_path, path = self.mount(event, request_context, options)
        environ = environ_from_event(
            event,
            context,
            single,
            event["httpMethod"],
            root_path,
            path,
            decoded_query(event),
            server,
            client_ip,
            scheme,
        )
        return environ if environ is not None else super().to_environ(event, context, options)

    def to_request(self, event: Event, context: Any, options: Options) -> HttpRequest:
        headers = request_headers(event)
        request_context = event["requestContext"]
        scheme, (server_name, server_port), client_ip = self.origin(event.get("headers"), headers, request_context)
        root_path, path = self.mount(event, request_context, options)
        body = event.get("body")
        return HttpRequest(
            event["httpMethod"],
            path,
            decoded_query(event),
            headers,
            body_bytes(body, event.get("isBase64Encoded") is True) if body else b"",
            root_path,
            scheme,
            server_name,
            server_port,
            client_ip,
            self.name,
            event,
            context,
        )

    @staticmethod
    def origin(
        single: dict[str, Any] | None, headers: Headers, request_context: dict[str, Any]
    ) -> tuple[str, tuple[str, int], str]:
        """``(scheme, (server_name, server_port), client_ip)`` of a REST event."""
        scheme, host, port, forwarded_for = forwarded(single, headers)
        identity = request_context.get("identity")
        client_ip = (identity.get("sourceIp") if isinstance(identity, dict) else None) or forwarded_for or ""
        if "/" in client_ip:
            client_ip = client_ip.split("/", 1)[0]
        return scheme, split_host(host or request_context.get("domainName"), scheme, port), client_ip

    @staticmethod
    def mount(event: Event, request_context: dict[str, Any], options: Options) -> tuple[str, str]:
        """``(root_path, path)``: split the event path into mount point and app path."""
        path = event["path"] or "/"
        if not isinstance(path, str):
            raise TypeError("path must be a string")
        context_path = request_context.get("path")
        if event.get("version") == "1.0":  # an HTTP API's payload 1.0: its paths arrive decoded
            path = encode_path(path)
            context_path = encode_path(context_path) if isinstance(context_path, str) else context_path
        if options.base_path:
            rest = strip_prefix(path, options.base_path)
            if rest is not None:
                return options.base_path, rest
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

    def to_result(self, response: HttpResponse, event: Event, options: Options) -> Result:
        return v1_result(response, options)
