"""LambdaClient, LambdaContext and the pytest plugin's fixtures."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import lambdaworks
from lambdaworks.testing import LambdaClient, LambdaContext, decode_result
from tests.apps import flask_app

HANDLER = lambdaworks.handler(flask_app.app)


def test_client_response_surface() -> None:
    response = LambdaClient(HANDLER, "apigw-v1").get("/cookies", cookies={"k": "v"})
    assert response.status == 200
    assert response.json() == {"received": {"k": "v"}}
    assert response.cookies == {"session": "abc", "theme": "dark"}
    assert response.headers["Content-Type"] == "application/json"
    assert "content-type" in response.headers
    assert response.text.startswith("{")
    assert repr(response).startswith("<LambdaResponse 200")


def test_json_argument_sets_body_and_content_type() -> None:
    response = LambdaClient(HANDLER, "http-v2").post("/echo", json={"a": 1})
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"a": 1}


def test_decode_result_follows_http_api_rules_for_bare_results() -> None:
    assert decode_result({"hello": "world"}) == (
        200,
        [("Content-Type", "application/json")],
        b'{"hello": "world"}',
    )
    assert decode_result("hi") == (200, [("Content-Type", "application/json")], b"hi")


def test_context_remaining_time_counts_down_with_the_clock() -> None:
    now = [1000.0]
    context = LambdaContext(timeout=3.0, clock=lambda: now[0])
    assert context.get_remaining_time_in_millis() == 3000
    now[0] += 1.25
    assert context.get_remaining_time_in_millis() == 1750
    now[0] += 10
    assert context.get_remaining_time_in_millis() == 0
    assert context.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:lambdaworks-function"
    assert len(context.aws_request_id) == 36
    assert context.aws_request_id[14] == "4"


def test_fixtures_from_the_plugin(lambda_context: LambdaContext, lambda_client: Callable[..., LambdaClient]) -> None:
    assert 0 < lambda_context.get_remaining_time_in_millis() <= 3000
    client = lambda_client(HANDLER, "function-url")
    assert client.get("/hello/fixture").json()["name"] == "fixture"


def test_plugin_is_registered_through_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import lambdaworks

        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [environ["PATH_INFO"].encode()]

        def test_uses_fixtures(lambda_client, lambda_context):
            assert lambda_client(lambdaworks.handler(app), "alb").get("/plugged").text == "/plugged"
            assert lambda_context.function_name == "test-function"
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
