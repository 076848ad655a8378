"""The API Gateway front: HTTP request -> REST (v1) or HTTP API (v2) event -> function -> HTTP response.

Events are built with AWS's rules (header case, multi-value maps, ``+`` in queries, encoded paths,
path parameters, stage, request ids and times). Results are validated as API Gateway does: a
malformed result is a 502 ``{"message": "Internal server error"}``. Unknown routes get 403
``Missing Authentication Token`` (REST) or 404 ``Not Found`` (HTTP API).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from lambdaworks.local import cors, jsonio
from lambdaworks.local.authorizers import Authorization
from lambdaworks.local.http import Deferred, Request, Response, internal_error, json_response
from lambdaworks.local.invocation import Outcome
from lambdaworks.local.invoker import QUEUE_WAIT, SYNC_LIMIT, Invoker
from lambdaworks.local.jwt_auth import JwtVerifier
from lambdaworks.local.live import LiveProject
from lambdaworks.local.logs import Logs
from lambdaworks.local.pool import Throttled
from lambdaworks.local.routing import Match, Router
from lambdaworks.project.model import Api, Project
from lambdaworks.runtime.context import new_request_id
from lambdaworks.runtime.encoding import is_text_media_type
from lambdaworks.wire import results
from lambdaworks.wire.common import body_field, split_path
from lambdaworks.wire.http_api import (
    http_v1_event,
    lower_front_door,
    merge_headers,
    query_parameters,
    sent_headers,
    v2_event,
)
from lambdaworks.wire.rest import apigw_v1_event

REST_TIMEOUT = 29.0
HTTP_TIMEOUT = 30.0
INTERNAL = results.REST_FAILURE[1]
MISSING_TOKEN = b'{"message":"Missing Authentication Token"}'
TOO_LARGE = b'{"message":"Request Entity Too Large"}'
FORWARDED = frozenset(("x-forwarded-for", "x-forwarded-port", "x-forwarded-proto"))  # added unless sent
MATCHES_KEPT = 4096  # routed (method, path) pairs remembered; forgotten all at once when full
_UNKNOWN = object()


def routed_path(api: Api, path: str) -> str | None:
    """The path ``api`` routes, None when the request is not for it. A named stage is the first
    segment of the API's URLs, as on AWS (``/dev/items`` is ``/items`` of stage ``dev``); a REST
    API is also served at the root, as sam local serves it (its events carry the stage either way,
    so the URLs an app builds from them, ``/Prod/...``, are served too)."""
    return routed_path_of(api.stage, api.kind, path)


def routed_path_of(stage: str, kind: str, path: str) -> str | None:
    """:func:`routed_path` for an API's ``stage`` and ``kind``."""
    if stage == "$default":
        return path
    prefix = f"/{stage}"
    if path == prefix:
        return "/"
    if path.startswith(prefix + "/"):
        return path[len(prefix) :]
    return path if kind == "rest" else None


@lru_cache(maxsize=256)
def forwarded(client_ip: str, port: int) -> tuple[tuple[str, str], ...]:
    """The ``X-Forwarded-*`` headers the gateway adds to an event, in REST's spelling, each unless
    the client sent its own: the connection as this gateway saw it (plain HTTP, on its port).
    Remembered: a client sends request after request on one connection."""
    return (("X-Forwarded-For", client_ip), ("X-Forwarded-Port", str(port)), ("X-Forwarded-Proto", "http"))


@lru_cache(maxsize=256)
def _lower_forwarded(client_ip: str, port: int) -> tuple[tuple[str, str], ...]:
    return tuple((name.lower(), value) for name, value in forwarded(client_ip, port))


@lru_cache(maxsize=MATCHES_KEPT)
def event_path(stage: str, kind: str, path: str) -> str:
    """A payload 2.0 event's ``rawPath`` for a request to ``path`` of an API of ``kind`` at ``stage``:
    decoded, as an HTTP API hands it over, with the stage a named one prefixes (remembered per path:
    a client asks for the same few again and again)."""
    routed = routed_path_of(stage, kind, path)
    encoded = split_path(routed or path, None)[0]
    raw_path = unquote(encoded) if "%" in encoded else encoded
    return raw_path if stage == "$default" else f"/{stage}{raw_path}"


def http_event(request: Request, api: Api, match: Match, request_id: str) -> dict[str, Any]:
    """A payload 2.0 event: the client's headers read once, in the form the event holds them."""
    given, cookies = sent_headers(request.headers, [])
    client_ip = request.client[0]
    for name, value in _lower_forwarded(client_ip, request.local_port):  # the client's own are kept
        given.setdefault(name, value)
    content_type, host = given.get("content-type"), given.get("host")
    if content_type is not None and "," in content_type:  # sent twice: the first is the one read
        content_type = request.header("content-type")
    if host is not None and "," in host:
        host = request.header("host")
    domain, front = lower_front_door(host or f"127.0.0.1:{request.local_port}", "", client_ip)
    route = match.route
    body = request.body
    query = request.query
    return v2_event(
        request.method,
        event_path(api.stage, api.kind, request.path),
        query.lstrip("?"),
        merge_headers(front, given),
        cookies,
        query_parameters(query) if query else {},
        *(body_field(body, None, not is_text_media_type(content_type)) if body else (None, False)),
        route_key="$default" if route.path == "$default" else f"{route.method} {route.path}",
        stage=api.stage,
        host=domain,
        source_ip=client_ip,
        request_id=request_id,
        path_parameters=match.params or None,
        stage_variables=api.stage_variables or None,
    )


class Gateway:
    """HTTP handler serving every API of the project on one port."""

    def __init__(self, live: LiveProject, invoker: Invoker, logs: Logs, jwks: Mapping[str, str] | None = None) -> None:
        self.invoker = invoker
        self.authorization = Authorization(invoker, logs, JwtVerifier(jwks))
        self.use(live.current)
        live.on_change(self.use)

    def use(self, project: Project) -> None:
        """Serve ``project`` from now on (after a template reload)."""
        self.project = project
        self.routers = {
            name: Router([r for r in project.routes if r.api == name], rest=api.kind == "rest")
            for name, api in project.apis.items()
        }
        self.cors_apis = [api for api in project.apis.values() if api.cors is not None]
        self.matches: dict[tuple[str, str], tuple[Api, Match] | None] = {}
        self.authorization.clear()

    def __call__(self, request: Request) -> Awaitable[Response] | Deferred | Response:
        """The answer: at once (no route, a preflight), deferred (a warm environment runs it, with no
        task), or a coroutine (an authorizer, a cold start, a wait for an environment)."""
        found = self.match(request)
        if self.cors_apis and request.method == "OPTIONS":
            answer = self.preflight(request, found)
            if answer is not None:
                return answer
        request_id = new_request_id()
        if found is None:
            return self.decorate(request, found, request_id, self.unrouted(request))
        event = self.event(request, found[0], found[1], request_id)
        if found[1].route.authorizer is not None:
            return self.authorized(request, found, request_id, event)
        return self.invoke(request, found, request_id, event)

    def decorate(
        self, request: Request, found: tuple[Api, Match] | None, request_id: str, response: Response
    ) -> Response:
        """``response`` with what the API adds to every answer: REST's request id, an HTTP API's CORS."""
        if found is None or found[0].kind == "rest":  # REST APIs name the request in every answer
            response.headers.append(("x-amzn-RequestId", request_id))
        elif self.cors_apis and found[0].cors is not None:
            return cors.http_decorate(found[0].cors, request, response)
        return response

    def unrouted(self, request: Request) -> Response:
        """The answer to a request no route matches: an HTTP API's 404, else REST's 403."""
        if any(api.kind == "http" for api in self.project.apis.values()) and not any(
            api.kind == "rest" and self.routers[name].allows_path(routed_path(api, request.path) or request.path)
            for name, api in self.project.apis.items()
        ):
            return json_response(404, b'{"message":"Not Found"}')
        return json_response(403, MISSING_TOKEN, [("x-amzn-ErrorType", "MissingAuthenticationTokenException")])

    async def authorized(
        self, request: Request, found: tuple[Api, Match], request_id: str, event: dict[str, Any]
    ) -> Response:
        """Ask the route's authorizer, then invoke (its context in the event) or answer its refusal."""
        api, match = found
        assert match.route.authorizer is not None
        verdict = await self.authorization.check(request, api, match.route, event)
        if verdict.response is not None:
            return self.decorate(request, found, request_id, verdict.response)
        if verdict.context is not None:
            event["requestContext"]["authorizer"] = verdict.context
        answer = self.invoke(request, found, request_id, event, warm=False)
        assert not isinstance(answer, Deferred)
        return answer if isinstance(answer, Response) else await answer

    def invoke(
        self, request: Request, found: tuple[Api, Match], request_id: str, event: dict[str, Any], warm: bool = True
    ) -> Deferred | Awaitable[Response] | Response:
        """Invoke the route's function with ``event``: on a warm environment with no task (deferred) if
        ``warm``, else through the invoker's full path (a coroutine)."""
        api, match = found
        payload = jsonio.dumps(event)
        if len(payload) > SYNC_LIMIT:
            return self.decorate(request, found, request_id, json_response(413, TOO_LARGE))
        route = match.route
        timeout = route.integration_timeout or (REST_TIMEOUT if api.kind == "rest" else HTTP_TIMEOUT)
        deferred = Deferred()

        def answer(outcome: Outcome) -> None:
            try:
                response = self.outcome_response(outcome, api, request, route.payload_version)
            except Exception as exc:  # never leave a connection without an answer
                response = internal_error(exc)
            deferred.resolve(self.decorate(request, found, request_id, response))

        if warm and self.invoker.start_warm(route.function, payload, timeout, QUEUE_WAIT, answer):
            return deferred
        return self.invoked(request, found, request_id, payload, timeout)

    async def invoked(
        self, request: Request, found: tuple[Api, Match], request_id: str, payload: bytes, timeout: float
    ) -> Response:
        """The function's answer through the invoker's full path: throttling, timeouts, cold starts."""
        api, match = found
        try:
            outcome = await self.invoker.invoke_within(match.route.function, payload, timeout, wait=QUEUE_WAIT)
        except Throttled:
            response = json_response(429, b'{"message":"Too Many Requests"}')
        except asyncio.TimeoutError:
            response = json_response(504, b'{"message": "Endpoint request timed out"}')
        else:
            response = self.outcome_response(outcome, api, request, match.route.payload_version)
        return self.decorate(request, found, request_id, response)

    def outcome_response(self, outcome: Outcome, api: Api, request: Request, payload_version: str) -> Response:
        """The HTTP answer to an invocation's outcome: API Gateway's 502 for a function error."""
        if outcome.failed:
            return json_response(*(results.REST_FAILURE if api.kind == "rest" else results.HTTP_FAILURE))
        return self.response(outcome.payload, api, request, payload_version)

    def preflight(self, request: Request, found: tuple[Api, Match] | None) -> Response | None:
        """The gateway's own answer to an OPTIONS request, when CORS is configured for it."""
        if found is not None and found[1].route.method == "OPTIONS":
            return None  # the function declared OPTIONS itself
        for api in self.cors_apis:
            assert api.cors is not None
            if api.kind == "http" and cors.is_preflight(request) and (found is None or found[0] is api):
                return cors.http_preflight(api.cors, request)
            methods = (
                self.routers[api.name].methods_for(routed_path(api, request.path) or request.path)
                if api.kind == "rest"
                else set()
            )
            if methods:  # a path of this REST API: SAM's OPTIONS mock answers
                return cors.rest_preflight(api.cors, methods)
        return None

    def match(self, request: Request) -> tuple[Api, Match] | None:
        """The most specific route of any API (the first API declared wins a tie); remembered per
        method and path (up to MATCHES_KEPT), as a client asks for the same few again and again."""
        key = (request.method, request.path)
        found = self.matches.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            if len(self.matches) >= MATCHES_KEPT:
                self.matches.clear()
            found = self.matches[key] = self._match(*key)
        return found  # type: ignore[return-value]

    def _match(self, method: str, raw_path: str) -> tuple[Api, Match] | None:
        best: tuple[Api, Match] | None = None
        for name, router in self.routers.items():
            api = self.project.apis[name]
            path = routed_path(api, raw_path)
            found = router.match(method, path) if path is not None else None
            if found is not None and (best is None or found.rank < best[1].rank):
                best = api, found
        return best

    def event(self, request: Request, api: Api, match: Match, request_id: str) -> dict[str, Any]:
        if match.route.payload_version != "1.0":
            return http_event(request, api, match, request_id)
        content_type = host = None
        sent: set[str] = set()  # the X-Forwarded-* headers the client sent itself
        for name, value in request.headers:  # one pass for what the event is built from
            lowered = name.lower()
            if lowered == "content-type":
                content_type = value if content_type is None else content_type
            elif lowered == "host":
                host = value if host is None else host
            elif lowered in FORWARDED:
                sent.add(lowered)
        added = list(forwarded(request.client[0], request.local_port))
        if sent:
            added = [pair for pair in added if pair[0].lower() not in sent]
        route = match.route
        binary = results.media_matches(content_type, api.binary_media_types) if api.kind == "rest" else None
        build = apigw_v1_event if api.kind == "rest" else http_v1_event
        return build(
            method=request.method,
            path=routed_path(api, request.path) or request.path,
            stage=api.stage,
            path_parameters=match.params or None,
            query=request.query,
            headers=request.headers + added,
            body=request.body or None,
            domain=host or f"127.0.0.1:{request.local_port}",
            source_ip=request.client[0],
            stage_variables=api.stage_variables or None,
            request_id=request_id,
            binary=binary,
            resource=route.path if route.path != "$default" else "/{proxy+}",
            custom_domain=False,
        )

    def response(self, payload: bytes, api: Api, request: Request, payload_version: str) -> Response:
        """The HTTP response for the function's result, checked as API Gateway checks it."""
        front = results.REST if api.kind == "rest" else results.HTTP_V1 if payload_version == "1.0" else results.HTTP_V2
        try:
            result = results.parse_payload(payload)
            answer = results.to_response(
                front,
                result,
                accept=request.header("accept") if front == results.REST else None,  # REST's binary decoding only
                binary_media_types=api.binary_media_types,
                payload=payload,
            )
        except results.MalformedResult:
            return json_response(502, INTERNAL)
        return Response(answer.status, answer.headers, answer.body)
