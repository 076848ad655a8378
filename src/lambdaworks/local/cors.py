"""CORS as API Gateway applies it.

HTTP API (``CorsConfiguration``): the gateway answers every preflight itself (204, before routes
and authorizers) and sets the CORS headers of every other response, replacing any the function
sent. REST (SAM ``Cors``): SAM adds a mock ``OPTIONS`` method to each path, which answers 200
with the configured header literals; other responses are left to the function, as on AWS.
"""

from __future__ import annotations

from lambdaworks.local.http import Request, Response
from lambdaworks.project.model import Cors

ANY_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def is_preflight(request: Request) -> bool:
    return (
        request.method == "OPTIONS"
        and bool(request.header("origin"))
        and bool(request.header("access-control-request-method"))
    )


def _allows(allowed: tuple[str, ...], value: str, *, case: bool = False) -> bool:
    if "*" in allowed:
        return True
    return value in allowed if case else value.lower() in {a.lower() for a in allowed}


def _origin(cors: Cors, origin: str) -> str | None:
    """The Access-Control-Allow-Origin value for ``origin``, or None when it is not allowed."""
    if not _allows(cors.allow_origins, origin, case=True):
        return None
    return "*" if "*" in cors.allow_origins and not cors.allow_credentials else origin


def http_preflight(cors: Cors, request: Request) -> Response:
    """An HTTP API's answer to a preflight: CORS headers only when origin, method and headers pass."""
    origin = request.header("origin") or ""
    method = (request.header("access-control-request-method") or "").upper()
    wanted = [h.strip() for h in (request.header("access-control-request-headers") or "").split(",") if h.strip()]
    allow_origin = _origin(cors, origin)
    if allow_origin is None or not _allows(cors.allow_methods, method):
        return Response(204)
    if not all(_allows(cors.allow_headers, header) for header in wanted):
        return Response(204)
    headers = [("Access-Control-Allow-Origin", allow_origin)]
    methods = method if "*" in cors.allow_methods else ",".join(cors.allow_methods)
    headers.append(("Access-Control-Allow-Methods", methods))
    if wanted:
        headers.append(("Access-Control-Allow-Headers", ",".join(h.lower() for h in wanted)))
    if cors.max_age is not None:
        headers.append(("Access-Control-Max-Age", str(cors.max_age)))
    if cors.allow_credentials:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return Response(204, headers)


def http_decorate(cors: Cors, request: Request, response: Response) -> Response:
    """An HTTP API response with the gateway's CORS headers in place of the function's."""
    response.headers = [(k, v) for k, v in response.headers if not k.lower().startswith("access-control-")]
    origin = request.header("origin")
    allow_origin = _origin(cors, origin) if origin else None
    if allow_origin is None:
        return response
    response.headers.append(("Access-Control-Allow-Origin", allow_origin))
    if cors.expose_headers:
        response.headers.append(("Access-Control-Expose-Headers", ",".join(cors.expose_headers)))
    if cors.allow_credentials:
        response.headers.append(("Access-Control-Allow-Credentials", "true"))
    return response


def rest_preflight(cors: Cors, methods: set[str]) -> Response:
    """The answer of the ``OPTIONS`` mock SAM adds to a REST path that has ``methods``."""
    if cors.allow_methods:
        allowed = ",".join(cors.allow_methods)
    else:
        listed = set(ANY_METHODS) if "ANY" in methods else {*methods, "OPTIONS"}
        allowed = ",".join(sorted(listed))
    headers = [("Content-Type", "application/json")]
    if cors.allow_headers:
        headers.append(("Access-Control-Allow-Headers", ",".join(cors.allow_headers)))
    headers.append(("Access-Control-Allow-Methods", allowed))
    headers.append(("Access-Control-Allow-Origin", cors.allow_origins[0] if cors.allow_origins else "*"))
    if cors.max_age is not None:
        headers.append(("Access-Control-Max-Age", str(cors.max_age)))
    if cors.allow_credentials:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return Response(200, headers)
