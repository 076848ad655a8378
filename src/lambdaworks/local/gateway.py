"""The API Gateway front: HTTP request -> REST (v1) or HTTP API (v2) event -> function -> HTTP response.

Events are built with AWS's rules (header case, multi-value maps, ``+`` in queries, encoded paths,
path parameters, stage, request ids and times). Results are validated as API Gateway does: a
malformed result is a 502 ``{"message": "Internal server error"}``. Unknown routes get 403
``Missing Authentication Token`` (REST) or 404 ``Not Found`` (HTTP API).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Mapping
from typing import Any

from lambdaworks.local import cors, events, jsonio
from lambdaworks.local.authorizers import Authorization
from lambdaworks.local.environment import INIT_TIMEOUT
from lambdaworks.local.http import Request, Response, json_response
from lambdaworks.local.invoker import SYNC_LIMIT, Invoker
from lambdaworks.local.jwt_auth import JwtVerifier
from lambdaworks.local.pool import Throttled
from lambdaworks.local.routing import Match, Router
from lambdaworks.project.model import Api, Project
from lambdaworks.runtime.encoding import is_text_media_type
from lambdaworks.runtime.types import find_header

REST_TIMEOUT = 29.0
HTTP_TIMEOUT = 30.0
QUEUE_WAIT = 10.0
INTERNAL = b'{"message": "Internal server error"}'
V1_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded", "statusDescription"}


def media_matches(content_type: str | None, patterns: tuple[str, ...]) -> bool:
    """API Gateway binaryMediaTypes matching (``*/*``, ``image/*``; ``~1`` stands for ``/``)."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    for raw in patterns:
        pattern = raw.replace("~1", "/").lower()
        if pattern in ("*/*", media) or (pattern.endswith("/*") and media.startswith(pattern[:-1])):
            return True
    return False


class Gateway:
    """HTTP handler serving every API of the project on one port."""

    def __init__(self, project: Project, invoker: Invoker, jwks: Mapping[str, str] | None = None) -> None:
        self.invoker = invoker
        self.authorization = Authorization(invoker, JwtVerifier(jwks))
        self.use(project)

    def use(self, project: Project) -> None:
        """Serve ``project`` from now on (after a template reload)."""
        self.project = project
        self.routers = {name: Router([r for r in project.routes if r.api == name]) for name in project.apis}
        self.cors_apis = [api for api in project.apis.values() if api.cors is not None]
        self.authorization.clear()

    async def __call__(self, request: Request) -> Response:
        found = self.match(request)
        if self.cors_apis and request.method == "OPTIONS":
            answer = self.preflight(request, found)
            if answer is not None:
                return answer
        response = await self.serve(request, found)
        if self.cors_apis and found is not None and found[0].cors is not None and found[0].kind == "http":
            return cors.http_decorate(found[0].cors, request, response)
        return response

    def preflight(self, request: Request, found: tuple[Api, Match] | None) -> Response | None:
        """The gateway's own answer to an OPTIONS request, when CORS is configured for it."""
        if found is not None and found[1].route.method == "OPTIONS":
            return None  # the function declared OPTIONS itself
        for api in self.cors_apis:
            assert api.cors is not None
            if api.kind == "http" and cors.is_preflight(request) and (found is None or found[0] is api):
                return cors.http_preflight(api.cors, request)
            methods = self.routers[api.name].methods_for(request.path) if api.kind == "rest" else set()
            if methods:  # a path of this REST API: SAM's OPTIONS mock answers
                return cors.rest_preflight(api.cors, methods)
        return None

    async def serve(self, request: Request, found: tuple[Api, Match] | None) -> Response:
        """Route, authorize and invoke: the response of the matched route's integration."""
        if found is None:
            if any(api.kind == "http" for api in self.project.apis.values()) and not any(
                api.kind == "rest" and self.routers[name].allows_path(request.path)
                for name, api in self.project.apis.items()
            ):
                return json_response(404, b'{"message":"Not Found"}')
            return json_response(403, b'{"message":"Missing Authentication Token"}')
        api, match = found
        event = self.event(request, api, match)
        if match.route.authorizer is not None:
            verdict = await self.authorization.check(request, api, match.route, event)
            if verdict.response is not None:
                return verdict.response
            if verdict.context is not None:
                event["requestContext"]["authorizer"] = verdict.context
        payload = jsonio.dumps(event)
        if len(payload) > SYNC_LIMIT:
            return json_response(413, b'{"message":"Request Entity Too Large"}')
        timeout = match.route.integration_timeout or (REST_TIMEOUT if api.kind == "rest" else HTTP_TIMEOUT)
        invocation = self.invoker.invoke(match.route.function, payload, wait=QUEUE_WAIT)
        try:
            if QUEUE_WAIT + INIT_TIMEOUT + self.project.functions[match.route.function].timeout < timeout:
                outcome = await invocation  # the function's own limits end it first: no timer per request
            else:  # on a gateway timeout the function runs on, as on AWS, and logs its REPORT
                outcome = await asyncio.wait_for(
                    asyncio.shield(self.invoker.keep(asyncio.ensure_future(invocation))), timeout
                )
        except Throttled:
            return json_response(429, b'{"message":"Too Many Requests"}')
        except asyncio.TimeoutError:
            return json_response(504, b'{"message": "Endpoint request timed out"}')
        if outcome.failed:
            return json_response(502, INTERNAL)
        return self.response(outcome.payload, api, request)

    def match(self, request: Request) -> tuple[Api, Match] | None:
        """The most specific route of any API (the first API declared wins a tie)."""
        best: tuple[Api, Match] | None = None
        for name, router in self.routers.items():
            found = router.match(request.method, request.path)
            if found is not None and (best is None or found.rank < best[1].rank):
                best = self.project.apis[name], found
        return best

    def event(self, request: Request, api: Api, match: Match) -> dict[str, Any]:
        content_type = request.header("content-type")
        host = request.header("host") or f"127.0.0.1:{request.local_port}"
        route = match.route
        given = {k.lower() for k, _ in request.headers}
        forwarded = [
            (name, value)
            for name, value in (
                ("X-Forwarded-For", request.client[0]),
                ("X-Forwarded-Port", str(request.local_port)),
                ("X-Forwarded-Proto", "http"),
            )
            if name.lower() not in given
        ]
        common: dict[str, Any] = {
            "method": request.method,
            "path": request.path,
            "stage": api.stage,
            "path_parameters": match.params or None,
            "query": request.query,
            "headers": [*request.headers, *forwarded],
            "body": request.body or None,
            "domain": host,
            "source_ip": request.client[0],
            "stage_variables": api.stage_variables or None,
        }
        if route.payload_version == "1.0":
            binary = media_matches(content_type, api.binary_media_types) if api.kind == "rest" else None
            resource = route.path if route.path != "$default" else "/{proxy+}"
            build = events.apigw_v1_event if api.kind == "rest" else events.http_v1_event
            event = build(binary=binary, resource=resource, **common)
        else:
            binary = bool(request.body) and not is_text_media_type(content_type)
            route_key = "$default" if route.path == "$default" else f"{route.method} {route.path}"
            event = events.apigw_v2_event(binary=binary, route_key=route_key, **common)
            if api.stage != "$default":  # served at the root locally: no stage prefix in the path
                event["rawPath"] = event["requestContext"]["http"]["path"] = request.path.split("?")[0]
        return event

    def response(self, payload: bytes, api: Api, request: Request) -> Response:
        try:
            result = json.loads(payload.decode())  # str: json.loads(bytes) first sniffs the encoding
        except ValueError:  # not JSON, or not UTF-8
            return json_response(502, INTERNAL)
        if api.kind == "http" and (not isinstance(result, dict) or "statusCode" not in result):
            return json_response(200, payload)  # HTTP API: a bare JSON result is the body
        if not isinstance(result, dict):
            return json_response(502, INTERNAL)
        return self.proxy_response(result, api, request) or json_response(502, INTERNAL)

    def proxy_response(self, result: dict[str, Any], api: Api, request: Request) -> Response | None:
        """The HTTP response for a proxy-integration result, or None when API Gateway would 502."""
        if api.kind == "rest" and set(result) - V1_KEYS:
            return None
        status = result.get("statusCode", 200)
        try:
            status = int(status)
        except (TypeError, ValueError):
            return None
        if not 100 <= status <= 599:
            return None
        headers: list[tuple[str, str]] = []
        single = result.get("headers") or {}
        multi = result.get("multiValueHeaders") or {}
        if not isinstance(single, dict) or not isinstance(multi, dict):
            return None
        for key, values in multi.items():
            if not isinstance(values, list):
                return None
            headers.extend((key, str(v)) for v in values)
        for key, value in single.items():
            if (key, str(value)) not in headers:
                headers.append((key, str(value)))
        for cookie in result.get("cookies") or ():
            headers.append(("Set-Cookie", str(cookie)))
        body = result.get("body")
        raw = b"" if body is None else str(body).encode()
        if result.get("isBase64Encoded"):
            decode = True
            if api.kind == "rest":  # only when the client accepts a binary type, or the response is one
                accept = (request.header("accept") or "").split(",")[0]
                content_type = find_header(headers, "content-type")
                decode = media_matches(accept, api.binary_media_types) or media_matches(
                    content_type, api.binary_media_types
                )
            if decode:
                try:
                    raw = base64.b64decode(raw)
                except ValueError:
                    return None
        return Response(status, headers, raw)
