"""Function URLs served locally: each function its own port, payload 2.0 events on a lambda-url
domain, the path as the client encoded it, AuthType AWS_IAM requiring a SigV4 signature, CORS.

Sources: the Lambda developer guide's "Invoking Lambda function URLs" (payload 2.0, every path and
method) and "Control access to Lambda function URLs" (AWS_IAM: SigV4); the 403 for an unsigned
call as recorded on AWS (awsdocs/aws-lambda-developer-guide issue 494); a failed function's 502
``Internal Server Error`` (awsdocs/aws-lambda-developer-guide issue 430)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.local.conftest import LiveEmulator, emulator_for

URLS = Path(__file__).resolve().parents[1] / "apps" / "url_project"


live = emulator_for(URLS, "--url-port", "0")


def url_of(live: LiveEmulator, function: str) -> str:
    line = live.wait_for(f"Function URL of {function}: ")
    found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    assert found is not None, line
    return found.group(1)


def call(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_each_url_is_printed_with_its_auth_type(live: LiveEmulator) -> None:
    assert live.wait_for("Function URL of Public: ").endswith("(AuthType NONE)")
    assert live.wait_for("Function URL of Private: ").endswith("(AuthType AWS_IAM)")
    assert url_of(live, "Public") != url_of(live, "Private")


def test_a_function_url_event_is_payload_2_0_with_the_path_as_sent(live: LiveEmulator) -> None:
    status, headers, body = call(url_of(live, "Public") + "/any/path%2Bx?q=1&q=2")
    assert status == 200
    event: dict[str, Any] = json.loads(body)
    assert (event["version"], event["routeKey"]) == ("2.0", "$default")
    assert event["rawPath"] == event["requestContext"]["http"]["path"] == "/any/path%2Bx"
    assert event["rawQueryString"] == "q=1&q=2"
    assert event["queryStringParameters"] == {"q": "1,2"}
    assert event["requestContext"]["stage"] == "$default"
    assert event["requestContext"]["requestId"] == headers["x-amzn-RequestId"]


def test_a_failed_function_is_a_502(live: LiveEmulator) -> None:
    assert call(url_of(live, "Public") + "/?fail=1")[::2] == (502, b"Internal Server Error")


def test_cors_preflight_and_responses(live: LiveEmulator) -> None:
    base = url_of(live, "Public")
    origin = {"Origin": "https://app.example"}
    status, headers, _ = call(base + "/x", "OPTIONS", {**origin, "Access-Control-Request-Method": "POST"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert headers["Access-Control-Max-Age"] == "300"
    _, headers, _ = call(base + "/x", headers=origin)
    assert headers["Access-Control-Allow-Origin"] == "https://app.example"


def test_aws_iam_urls_need_a_sigv4_signature(live: LiveEmulator) -> None:
    base = url_of(live, "Private")
    status, headers, body = call(base + "/")
    assert status == 403
    assert headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert json.loads(body)["Message"].startswith("Forbidden. For troubleshooting Function URL authorization issues")
    signed = AWSRequest(method="GET", url=base + "/")
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "lambda", "us-east-1").add_auth(signed)
    status, _, body = call(base + "/", headers=dict(signed.headers.items()))
    assert status == 200
    assert json.loads(body)["rawPath"] == "/"
