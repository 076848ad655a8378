"""The API Gateway front over real HTTP: events as AWS builds them, results validated as AWS does."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.local.conftest import PROJECT, LiveEmulator


def request(
    emulator: LiveEmulator,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> tuple[int, list[tuple[str, str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=30)
    connection.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers or []:
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.getheaders(), data


def echo_event(emulator: LiveEmulator, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    status, _, body = request(emulator, method, path, **kwargs)
    assert status == 200, body
    return json.loads(body)["event"]  # type: ignore[no-any-return]


def test_rest_event_shape(emulator: LiveEmulator) -> None:
    event = echo_event(
        emulator,
        "POST",
        "/echo/a%20b/c?x=1&x=2&y=a+b",
        body=b'{"k": 1}',
        headers=[
            ("Content-Type", "application/json"),
            ("X-Case-Kept", "1"),
            ("X-Rep", "a"),
            ("X-Rep", "b"),
            ("User-Agent", "curl/8.5.0"),
        ],
    )
    assert event["httpMethod"] == "POST"
    assert event["path"] == "/echo/a%20b/c"
    assert event["resource"] == "/echo/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a%20b/c"}  # as the client encoded it (recorded on AWS)
    assert event["queryStringParameters"] == {"x": "2", "y": "a b"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": ["a b"]}
    assert event["headers"]["X-Case-Kept"] == "1"
    assert event["multiValueHeaders"]["X-Rep"] == ["a", "b"]
    assert event["body"] == '{"k": 1}'
    assert event["isBase64Encoded"] is False
    assert event["requestContext"]["stage"] == "v1"
    assert event["requestContext"]["httpMethod"] == "POST"
    assert event["requestContext"]["requestId"]
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert event["requestContext"]["identity"]["userAgent"] == "curl/8.5.0"  # the client's, as on AWS


def test_rest_events_as_recorded_on_aws(emulator: LiveEmulator) -> None:
    """requestContext.path carries the stage and the client's path; Authorization is spelled so
    whatever the client's case; {proxy+} keeps the client's encoding and drops a trailing slash
    while path keeps it; a leading // collapses in path only (all recorded on AWS)."""
    event = echo_event(
        emulator, "GET", "/echo/test%2Balias@example.com/", headers=[("authorization", "Bearer t"), ("x-lower", "1")]
    )
    assert event["path"] == "/echo/test%2Balias@example.com/"
    assert event["pathParameters"] == {"proxy": "test%2Balias@example.com"}
    assert event["requestContext"]["path"] == "/v1/echo/test%2Balias@example.com/"
    assert event["headers"]["Authorization"] == "Bearer t"
    assert "authorization" not in event["headers"]
    assert event["headers"]["x-lower"] == "1"
    doubled = echo_event(emulator, "GET", "//echo/x")
    assert doubled["path"] == "/echo/x"
    assert doubled["requestContext"]["path"] == "/v1//echo/x"


def test_http_api_event_shape(emulator: LiveEmulator) -> None:
    event = echo_event(
        emulator, "GET", "/v2/echo/bob?a=1&a=2", headers=[("Cookie", "s=1; t=2"), ("X-Rep", "a"), ("X-Rep", "b")]
    )
    assert event["version"] == "2.0"
    assert event["routeKey"] == "ANY /v2/echo/{name}"
    assert event["rawPath"] == "/v2/echo/bob"
    assert event["rawQueryString"] == "a=1&a=2"
    assert event["queryStringParameters"] == {"a": "1,2"}
    assert event["pathParameters"] == {"name": "bob"}
    assert event["cookies"] == ["s=1", "t=2"]
    assert event["headers"]["x-rep"] == "a,b"
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["requestContext"]["stage"] == "$default"
    # HTTP APIs hand the path over decoded (live captures: hotsock/voker pull request 8)
    spaced = echo_event(emulator, "GET", "/v2/echo/a%20b")
    assert spaced["rawPath"] == spaced["requestContext"]["http"]["path"] == "/v2/echo/a b"
    assert spaced["pathParameters"] == {"name": "a b"}


def test_rest_multi_value_response_headers_survive(emulator: LiveEmulator) -> None:
    status, headers, _ = request(emulator, "GET", "/echo/x")
    assert status == 200
    assert [v for k, v in headers if k.lower() == "set-cookie"] == ["a=1", "b=2"]


def test_binary_request_body_on_rest_api_with_binary_media_types(emulator: LiveEmulator) -> None:
    event = echo_event(emulator, "POST", "/echo/up", body=b"\x89PNG\x00\xff", headers=[("Content-Type", "image/png")])
    assert event["isBase64Encoded"] is True
    assert event["body"] == "iVBORwD/"


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/results/string", 502, {"message": "Internal server error"}),
        ("/results/bad-status", 502, {"message": "Internal server error"}),
        ("/results/extra-key", 502, {"message": "Internal server error"}),
        ("/results/bad-multi", 502, {"message": "Internal server error"}),
        ("/results/raise", 502, {"message": "Internal server error"}),
        # HTTP APIs answer a failed function with 500 {"message":"Internal Server Error"} (recorded on
        # AWS; https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html)
        ("/v2/results/raise", 500, {"message": "Internal Server Error"}),
        ("/results/not-utf8", 502, {"message": "Internal server error"}),
        ("/v2/results/bare-json", 200, {"hello": "world"}),
        # payload 2.0 infers a response for a result without statusCode; a string is the body as it
        # is, not JSON-quoted (recorded on AWS; "Lambda function response for format 2.0")
        ("/v2/results/string", 200, b"just a string"),
    ],
)
def test_results_are_validated_like_api_gateway(emulator: LiveEmulator, path: str, status: int, body: Any) -> None:
    got_status, _, data = request(emulator, "GET", path)
    assert (got_status, data if isinstance(body, bytes) else json.loads(data)) == (status, body)


def test_string_status_and_headers_only(emulator: LiveEmulator) -> None:
    status, _, data = request(emulator, "GET", "/results/string-status")
    assert (status, data) == (201, b"created")
    status, headers, data = request(emulator, "GET", "/results/headers-only")
    assert (status, data) == (200, b"")
    assert ("X-Only", "1") in headers


def test_binary_response_decoding(emulator: LiveEmulator) -> None:
    assert request(emulator, "GET", "/results/png", headers=[("Accept", "image/png")])[2] == b"\x89PNG\r\n\x1a\n"
    assert request(emulator, "GET", "/v2/results/png")[2] == b"\x89PNG\r\n\x1a\n"


def test_missing_routes_answer_like_aws(emulator: LiveEmulator) -> None:
    assert request(emulator, "GET", "/nowhere")[:3:2] == (404, b'{"message":"Not Found"}')
    # a REST path whose method is not routed: REST's answer
    assert request(emulator, "DELETE", "/results/x")[:3:2] == (403, b'{"message":"Missing Authentication Token"}')


def test_rest_answers_name_the_request_and_the_403_its_error_type(emulator: LiveEmulator) -> None:
    """Every REST API answer carries x-amzn-RequestId (the event's requestId when a function ran),
    and the missing-route 403 its x-amzn-ErrorType (recorded on AWS)."""
    status, headers, _ = request(emulator, "DELETE", "/results/x")
    named = {k.lower(): v for k, v in headers}
    assert status == 403
    assert named["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert uuid.UUID(named["x-amzn-requestid"]).version == 4
    status, headers, body = request(emulator, "GET", "/echo/x")
    event = json.loads(body)["event"]
    assert dict(headers)["x-amzn-RequestId"] == event["requestContext"]["requestId"]


def test_request_over_the_payload_limit(emulator: LiveEmulator) -> None:
    status, _, _ = request(
        emulator, "POST", "/echo/big", body=b"x" * (6 * 1024 * 1024 + 1), headers=[("Content-Type", "text/plain")]
    )
    assert status == 413


def test_integration_timeout_is_a_504_and_the_function_runs_on(emulator: LiveEmulator) -> None:
    """TimeoutInMillis: 300 on the route; the function sleeps 0.6 s and still finishes, as on AWS."""
    started = time.monotonic()
    status, _, body = request(emulator, "GET", "/v2/sleepy?seconds=0.6")
    waited = time.monotonic() - started
    assert (status, json.loads(body)) == (504, {"message": "Endpoint request timed out"})
    assert 0.3 <= waited < 0.6
    mark = len(emulator.lines)
    report = emulator.wait_for("[Sleepy] REPORT RequestId", after=mark)
    assert float(report.split("Duration: ")[1].split(" ms")[0]) >= 600
    status, _, body = request(emulator, "GET", "/v2/sleepy?seconds=0")
    assert status == 200  # the environment was released, not leaked


def test_busy_port_is_an_actionable_error(tmp_path: Path) -> None:
    """dev starts the first environment before it binds its ports (local/headstart.py): that
    environment goes too, with its /tmp."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "lambdaworks.cli", "dev", str(PROJECT), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "TMPDIR": str(tmp_path)},
        )
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is in use by another program. Either stop it or pass --port" in result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("lambdaworks-Echo-tmp-")] == []


def test_ctrl_c_stops_cleanly_with_no_orphans() -> None:
    live = LiveEmulator(PROJECT)
    try:
        pids = set()
        for _ in range(2):
            _, _, data = request(live, "GET", "/echo/x")
            pids.add(json.loads(data)["pid"])
        _, _, data = request(live, "GET", "/v2/echo/y")
        pids.add(json.loads(data)["pid"])
    finally:
        code = live.stop()
    assert code == 0
    time.sleep(0.2)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
