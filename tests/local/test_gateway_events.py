"""The gateway builds an HTTP API event from the request in one pass; it must be the event the public
factory (``apigw_v2_event``, whose shape the live and recorded-event tests pin) builds from the same
request, header for header and in the same order."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lambdaworks.local.gateway import http_event, routed_path
from lambdaworks.local.http import Request
from lambdaworks.local.routing import Match
from lambdaworks.project.model import Api, Route
from lambdaworks.runtime.encoding import is_text_media_type
from lambdaworks.runtime.types import find_header
from lambdaworks.wire.http_api import apigw_v2_event

NAMES = ["Content-Type", "content-type", "Host", "Cookie", "X-Forwarded-For", "x-forwarded-port", "X-Rep", "User-Agent"]
MEDIA = st.sampled_from(["application/json", "image/png", "text/plain; charset=utf-8"])
VALUES = st.text(st.sampled_from("ab1 ;=,/é%"), max_size=12) | MEDIA
HEADERS = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=8)
PATHS = st.lists(st.sampled_from(["a", "b%20c", "é", "x%2Fy", "", "~"]), min_size=1, max_size=4).map("/".join)
QUERIES = st.sampled_from(["", "a=1", "a=1&a=2&b=x+y", "?c=%20", "k", "a=1&=2"])
BODIES = st.sampled_from([b"", b'{"k": 1}', b"\xff\x00", "é".encode()])


def old_mapping(request: Request, api: Api, match: Match, request_id: str) -> dict[str, Any]:
    """The arguments the gateway gave ``apigw_v2_event`` before it built the event itself."""
    content_type = find_header(request.headers, "content-type")
    host = find_header(request.headers, "host")
    sent = {name.lower() for name, _ in request.headers}
    added = [
        (name, value)
        for name, value in (
            ("X-Forwarded-For", request.client[0]),
            ("X-Forwarded-Port", str(request.local_port)),
            ("X-Forwarded-Proto", "http"),
        )
        if name.lower() not in sent
    ]
    route = match.route
    return apigw_v2_event(
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
        binary=bool(request.body) and not is_text_media_type(content_type),
        route_key="$default" if route.path == "$default" else f"{route.method} {route.path}",
    )


def untimed(event: dict[str, Any]) -> dict[str, Any]:
    context = {k: v for k, v in event["requestContext"].items() if k not in ("time", "timeEpoch")}
    return {**event, "requestContext": context}


@settings(max_examples=300, deadline=None)
@given(
    headers=HEADERS,
    path=PATHS,
    query=QUERIES,
    body=BODIES,
    stage=st.sampled_from(["$default", "dev"]),
    route_path=st.sampled_from(["$default", "/{proxy+}"]),
    params=st.sampled_from([{}, {"proxy": "a b"}]),
    variables=st.sampled_from([{}, {"v": "1"}]),
)
def test_the_gateways_event_is_the_factorys(
    headers: list[tuple[str, str]],
    path: str,
    query: str,
    body: bytes,
    stage: str,
    route_path: str,
    params: dict[str, str],
    variables: dict[str, str],
) -> None:
    api = Api("Api", "http", stage, stage_variables=variables)
    route = Route("GET", route_path, "Fn", "Api", "http", payload_version="2.0")
    prefix = "" if stage == "$default" else f"/{stage}"
    request = Request("GET", f"{prefix}/{path}", query, headers, body, ("10.0.0.9", 50000), 3000)
    match = Match(route, params)
    built = http_event(request, api, match, "rid-1")
    expected = old_mapping(request, api, match, "rid-1")
    assert untimed(built) == untimed(expected)
    assert list(built["headers"]) == list(expected["headers"])  # the same order, too
    assert list(built) == list(expected)
