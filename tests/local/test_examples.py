"""The README's example, served from its SAM template and from its native config: the curl lines work."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.local.conftest import LiveEmulator
from tests.local.test_gateway import request

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HELLO = {"sam-app": "HelloFunction", "native-app": "hello"}


@pytest.fixture(scope="module", params=sorted(HELLO))
def example(request: pytest.FixtureRequest) -> Iterator[tuple[str, LiveEmulator]]:
    live = LiveEmulator(EXAMPLES / request.param)
    yield request.param, live
    live.stop()


def get_json(live: LiveEmulator, method: str, path: str, body: bytes | None = None) -> tuple[int, object]:
    headers = [("Content-Type", "application/json")] if body else []
    status, _, data = request(live, method, path, body, headers)
    return status, json.loads(data)


def test_readme_curl_lines(example: tuple[str, LiveEmulator]) -> None:
    _, live = example
    assert get_json(live, "GET", "/hello/world") == (
        200,
        # the stage is part of the URL the app builds, as behind API Gateway; the emulator serves it too
        {"message": "Hello, world!", "url": f"http://127.0.0.1:{live.port}/Prod/hello/world"},
    )
    assert get_json(live, "GET", "/Prod/hello/world")[0] == 200  # and that URL is served
    assert get_json(live, "GET", "/items/1") == (200, {"id": 1, "name": "pen"})
    status, created = get_json(live, "POST", "/items", b'{"name": "cup"}')
    assert (status, created) == (200, {"id": 2, "name": "cup"})
    assert get_json(live, "GET", "/hello?name=you") == (200, {"message": "Hello, you!"})


def test_most_specific_route_wins_across_apis(example: tuple[str, LiveEmulator]) -> None:
    """/hello is on the HTTP API, and the REST API's ANY /{proxy+} would also take it: the literal wins."""
    name, live = example
    live.lines.clear()
    assert get_json(live, "GET", "/hello") == (200, {"message": "Hello, world!"})
    assert live.wait_for("START RequestId").startswith(f"[{HELLO[name]}]")
    status, _, _ = request(live, "GET", "/no/such/page")
    assert status == 404  # Flask's own 404 through the greedy REST route, not the gateway's


def test_boto3_invoke_by_the_example_name(example: tuple[str, LiveEmulator]) -> None:
    name, live = example
    result = live.lambda_client().invoke(FunctionName=HELLO[name], Payload=b'{"queryStringParameters": {"name": "b"}}')
    assert json.loads(json.loads(result["Payload"].read())["body"]) == {"message": "Hello, b!"}
