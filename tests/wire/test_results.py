"""One reading of a function's result for every front: the gateway, the test client and ``call`` agree.

Sources: "Handling Lambda errors with an API Gateway API" (a result in the wrong format is a 502
``{"message": "Internal server error"}``,
https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html); the HTTP API guide's
"Lambda function response for format 2.0" (a result without statusCode is inferred as a 200 JSON
body, https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html);
and the cases recorded on AWS that issue 17 lists (``{}`` is a 502, a boolean header value is sent
as ``true``, a REST result without Content-Type is sent as ``application/json``, a string result of
an HTTP API is its body as it is, a base64 body is decoded by the request's first Accept type).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambdaworks.testing import LambdaClient, decode_result
from lambdaworks.wire import results
from lambdaworks.wire.results import HttpResponse, MalformedResult, to_response

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "result",
    [
        {},
        {"statusCode": 200, "body": "x", "unexpected": True},
        {"statusCode": "abc"},
        {"statusCode": 200, "multiValueHeaders": {"X": "not-a-list"}},
        {"statusCode": 200, "headers": ["X", "1"]},
        "just a string",
        ["a", "list"],
    ],
    ids=["empty", "unknown-key", "status-not-a-number", "multi-not-a-list", "headers-not-an-object", "string", "list"],
)
def test_rest_refuses_results_it_cannot_use(result: Any) -> None:
    with pytest.raises(MalformedResult):
        to_response(results.REST, result)


def test_rest_sends_json_spellings_and_a_default_content_type() -> None:
    answer = to_response(results.REST, {"statusCode": "201", "headers": {"X-Flag": True, "X-Off": False, "X-N": 3}})
    assert answer == HttpResponse(
        201, [("X-Flag", "true"), ("X-Off", "false"), ("X-N", "3"), ("Content-Type", "application/json")], b""
    )
    assert to_response(results.REST, {"headers": {"X-Only": "1"}}).status == 200  # headers alone are a 200


def test_rest_decodes_base64_by_the_first_accept_type_only() -> None:
    result = {
        "statusCode": 200,
        "headers": {"Content-Type": "image/png"},
        "body": base64.b64encode(PNG).decode(),
        "isBase64Encoded": True,
    }
    types = ("image/png",)
    assert to_response(results.REST, result, accept="image/png,*/*", binary_media_types=types).body == PNG
    encoded = to_response(results.REST, result, accept="text/html,image/png", binary_media_types=types).body
    assert encoded == base64.b64encode(PNG)  # the response's own Content-Type does not decide it
    assert to_response(results.HTTP_V2, result).body == PNG  # HTTP APIs decode whenever isBase64Encoded


def test_payload_2_0_infers_a_response_for_results_without_status() -> None:
    assert to_response(results.HTTP_V2, "just a string") == HttpResponse(
        200, [("Content-Type", "application/json")], b"just a string"
    )
    payload = b'{"hello": "world"}'
    inferred = to_response(results.HTTP_V2, json.loads(payload), payload=payload)
    assert inferred == HttpResponse(200, [("Content-Type", "application/json")], payload)
    cookies = to_response(results.HTTP_V2, {"statusCode": 200, "cookies": ["a=1", "b=2"]})
    assert cookies.headers == [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]


def test_the_test_client_reads_results_as_the_gateway_does() -> None:
    def handler(event: Any, context: Any) -> Any:
        return {"statusCode": 200, "body": "x", "unexpected": True}

    assert LambdaClient(handler, "apigw-v1").get("/").status == 502
    assert LambdaClient(handler, "http-v2").get("/").status == 200  # HTTP APIs take any keys
    assert decode_result({"statusCode": "abc"}, "rest") == (
        502,
        [("Content-Type", "application/json")],
        b'{"message": "Internal server error"}',
    )
    # a function URL answers in plain text, as lambdaworks dev's function URLs do
    assert decode_result({"statusCode": "abc"}, "function-url") == (
        502,
        [("Content-Type", "text/plain")],
        b"Internal Server Error",
    )


def test_call_reports_a_malformed_result_as_the_gateway_would(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text('def handler(event, context):\n    return {"statusCode": "abc", "body": "x"}\n')
    result = subprocess.run(
        [sys.executable, "-m", "lambdaworks.cli", "call", f"{app}:handler", "--source", "rest"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "HTTP 502"
    assert result.stdout.rstrip().endswith('{"message": "Internal server error"}')


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    value=JSON_VALUES,
    before=st.sampled_from(["", " ", "\n\t"]),
    after=st.sampled_from(["", " ", "\r\n", " x", "}", "1"]),
)
def test_a_result_reads_as_json_loads_reads_it(value: Any, before: str, after: str) -> None:
    """The scanner called straight reads exactly what ``json.loads`` reads: integers beyond 64 bits
    exact, whitespace around the value allowed, anything else after it refused."""
    text = before + json.dumps(value) + after
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(MalformedResult):
            results.parse_payload(text.encode())
        return
    assert results.parse_payload(text.encode()) == expected


@pytest.mark.parametrize("payload", [b"", b"nul", b'{"a":', b"\xff", b"{}{}", b"NaN x"])
def test_a_result_that_is_not_one_json_value_is_malformed(payload: bytes) -> None:
    with pytest.raises(MalformedResult):
        results.parse_payload(payload)
