"""The factories build events with the shape of the shared AWS fixtures and AWS's rules."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest

import lambdaworks
from lambdaworks.runtime.events import HTTP_SOURCES
from lambdaworks.testing import events
from tests.conftest import load_event

REFERENCE = {
    "apigw-v1": "aws-lambda-go/apigw-request.json",
    "http-v2": "powertools/apiGatewayProxyV2Event.json",
    "function-url": "powertools/lambdaFunctionUrlEvent.json",
    "alb": "powertools/albEvent.json",
    "alb-multi": "powertools/albMultiValueHeadersEvent.json",
}


def keys_of(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: keys_of(v) for k, v in value.items() if v is not None}
    return None


@pytest.mark.parametrize("source", sorted(REFERENCE))
def test_factory_has_the_top_level_keys_of_the_real_event(source: str) -> None:
    made = events.make_http_event(
        source, "POST", "/a", query={"q": "1"}, headers={"X-A": "1"}, body="x", cookies={"c": "1"}
    )
    real = load_event(REFERENCE[source])
    missing = set(real) - set(made) - {"stageVariables", "pathParameters", "authorizer"}
    assert missing == set()


@pytest.mark.parametrize("source", ["apigw-v1", "http-v1", "http-v2", "function-url", "alb", "alb-multi"])
def test_factory_events_are_inferred_as_their_source(source: str) -> None:
    expected = {"http-v1": "apigw-v1", "http-v2": "apigw-v2", "alb-multi": "alb"}.get(source, source)
    event = events.make_http_event(source)
    matches = [s.name for s in HTTP_SOURCES if s.infer(event)]
    assert matches == [expected]


def test_rest_rules_header_case_last_query_value_plus_and_encoded_path() -> None:
    event = events.apigw_v1_event("GET", "/a b/ü", query="x=1&x=2&y=a+b", headers=[("X-Case", "1"), ("X-Case", "2")])
    assert event["path"] == "/a%20b/%C3%BC"
    assert event["headers"]["X-Case"] == "2"
    assert event["multiValueHeaders"]["X-Case"] == ["1", "2"]
    assert event["queryStringParameters"] == {"x": "2", "y": "a b"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": ["a b"]}
    assert event["requestContext"]["path"] == "/Prod/a%20b/%C3%BC"
    assert event["pathParameters"] == {"proxy": "a%20b/%C3%BC"}  # as the client encoded it (recorded on AWS)


def test_http_api_rules_lowercase_commajoin_and_cookies() -> None:
    event = events.apigw_v2_event(
        "GET", "/p", query="a=1&a=2", headers=[("X-A", "1"), ("X-A", "2"), ("Cookie", "s=1; t=2")]
    )
    assert event["headers"]["x-a"] == "1,2"
    assert event["cookies"] == ["s=1", "t=2"]
    assert "cookie" not in event["headers"]
    assert event["queryStringParameters"] == {"a": "1,2"}
    assert event["rawQueryString"] == "a=1&a=2"


def test_named_stage_and_base_path_prefix_raw_path() -> None:
    assert events.apigw_v2_event(path="/x", stage="dev")["rawPath"] == "/dev/x"
    event = events.apigw_v2_event(path="/x", base_path="api")
    assert (event["rawPath"], event["routeKey"], event["pathParameters"]) == (
        "/api/x",
        "ANY /{proxy+}",
        {"proxy": "x"},
    )


def test_binary_bodies_are_base64() -> None:
    event = events.apigw_v2_event("POST", body=b"\xff\x00", headers={"content-type": "application/octet-stream"})
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\x00"
    assert events.apigw_v2_event("POST", body="text")["isBase64Encoded"] is False


def test_alb_query_stays_encoded() -> None:
    event = events.alb_event(query={"q": "a b", "r": "é"})
    assert event["queryStringParameters"] == {"q": "a%20b", "r": "%C3%A9"}


@pytest.mark.parametrize("source", events.OTHER_SOURCES)
def test_non_http_factories_are_detected(source: str) -> None:
    assert lambdaworks.runtime.detect_source(events.make_event(source)) == source


def test_cloudwatch_logs_payload_decodes() -> None:
    data = events.cloudwatch_logs_event("one", "two")["awslogs"]["data"]
    payload = json.loads(gzip.decompress(base64.b64decode(data)))
    assert [e["message"] for e in payload["logEvents"]] == ["one", "two"]


def test_unknown_sources_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown HTTP source"):
        events.make_http_event("soap")
    with pytest.raises(ValueError, match="unknown event source"):
        events.make_event("carrier-pigeon")
