"""Property tests: arbitrary bytes, header values and query strings survive every source."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lambdaworks
from lambdaworks.runtime.errors import UnsupportedEvent
from lambdaworks.testing import LambdaClient

SOURCES = st.sampled_from(["apigw-v1", "http-v1", "http-v2", "function-url", "alb", "alb-multi"])


def mirror(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answers with the request body (as binary) and echoes headers/query as JSON in a header."""
    body = environ["wsgi.input"].read()
    from urllib.parse import parse_qsl

    info = {
        "query": parse_qsl(environ["QUERY_STRING"], keep_blank_values=True),
        "x_value": environ.get("HTTP_X_VALUE", "").encode("latin-1").decode("utf-8"),
    }
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/octet-stream"),
            ("X-Info", base64.b64encode(json.dumps(info).encode()).decode()),
        ],
    )
    return [body]


HANDLER = lambdaworks.handler(mirror)
TEXT = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(source=SOURCES, body=st.binary(max_size=300))
def test_arbitrary_bytes_round_trip(source: str, body: bytes) -> None:
    response = LambdaClient(HANDLER, source).post(
        "/", body=body or None, headers={"Content-Type": "application/octet-stream"}
    )
    assert response.content == body


@settings(max_examples=150, deadline=None)
@given(source=SOURCES, value=TEXT.map(str.strip))
def test_arbitrary_header_values_reach_the_app(source: str, value: str) -> None:
    response = LambdaClient(HANDLER, source).get("/", headers={"X-Value": value})
    info = json.loads(base64.b64decode(response.headers["x-info"]))
    assert info["x_value"] == value


@settings(max_examples=150, deadline=None)
@given(source=SOURCES, pairs=st.lists(st.tuples(TEXT.filter(bool), TEXT), max_size=5))
def test_arbitrary_query_strings_reach_the_app(source: str, pairs: list[tuple[str, str]]) -> None:
    response = LambdaClient(HANDLER, source).get("/", query=pairs)
    info = json.loads(base64.b64decode(response.headers["x-info"]))
    got = [tuple(p) for p in info["query"]]
    if source == "alb":  # single-value mode keeps the last value of a repeated key
        expected = list(dict(pairs).items())
        assert sorted(got) == sorted(expected)
    elif source in ("http-v2", "function-url"):  # rawQueryString: exactly as sent
        assert got == pairs
    else:  # multi-value maps group repeats by key, keeping their order within a key
        assert sorted(got) == sorted(pairs)
        for key in {k for k, _ in pairs}:
            assert [v for k, v in got if k == key] == [v for k, v in pairs if k == key]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "httpMethod",
        "path",
        "rawPath",
        "version",
        "requestContext",
        "Records",
        "headers",
        "multiValueHeaders",
        "body",
        "isBase64Encoded",
        "source",
        "detail-type",
        "awslogs",
        "queryStringParameters",
        "rawQueryString",
        "cookies",
        "routeKey",
        "pathParameters",
    ]
)
NESTED = st.fixed_dictionaries(
    {},
    optional={
        "http": st.dictionaries(st.sampled_from(["method", "path", "sourceIp"]), JSON, max_size=3),
        "elb": JSON,
        "path": JSON,
        "stage": JSON,
        "identity": JSON,
        "domainName": JSON,
    },
)


@settings(max_examples=400, deadline=None)
@given(event=st.dictionaries(KEYS | st.text(max_size=8), JSON | NESTED, max_size=8))
def test_arbitrary_json_objects_raise_only_unsupported_event(event: dict[str, Any]) -> None:
    handler = lambdaworks.handler(mirror, warmup=True)
    try:
        result = handler(event, None)
    except UnsupportedEvent:
        return
    assert isinstance(result, dict)
