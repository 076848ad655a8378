"""Functions the emulator cannot run (another language's runtime, a container image) are named once
at start-up, fail as a function error does (an HTTP API answers 500) with the reason in the log, and
do not stop the rest of the project."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.local.conftest import LiveEmulator, emulator_for

MIXED = Path(__file__).resolve().parents[1] / "apps" / "mixed_project"


mixed = emulator_for(MIXED)


def get(emulator: LiveEmulator, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(emulator.url + path, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_each_unsupported_function_is_one_warning_at_start_up(mixed: LiveEmulator) -> None:
    warnings = [line for line in mixed.lines if line.startswith("warning:")]
    assert warnings == [
        "warning: NodeFunction: the nodejs20.x runtime is not one lambdaworks runs (python3.x, or provided with a "
        "bootstrap); it is not run locally (a request to it fails as a function error does)",
        "warning: ImageFunction: a container image (PackageType: Image) needs a container runtime; it is not run "
        "locally (a request to it fails as a function error does)",
    ]


def test_the_rest_of_the_project_serves(mixed: LiveEmulator) -> None:
    assert get(mixed, "/py") == (200, b"python here")


@pytest.mark.parametrize(("path", "function"), [("/node", "NodeFunction"), ("/image", "ImageFunction")])
def test_a_request_to_an_unsupported_function_fails_and_logs_why(mixed: LiveEmulator, path: str, function: str) -> None:
    start = len(mixed.lines)
    status, body = get(mixed, path)
    assert status == 500  # an HTTP API's answer to a failed function
    assert json.loads(body) == {"message": "Internal Server Error"}
    line = mixed.wait_for(f"{function} is not run locally:", after=start)
    assert line.startswith(f"[{function}] ")
    assert not any(seen.startswith(f"[{function}] START") for seen in mixed.lines)  # nothing was started


def test_the_invoke_api_reports_it_as_a_function_error(mixed: LiveEmulator) -> None:
    response = mixed.lambda_client().invoke(FunctionName="NodeFunction", Payload=b"{}")
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    error = json.loads(response["Payload"].read())
    assert error["errorType"] == "LocalEmulator.Unsupported"
    assert "the nodejs20.x runtime is not one lambdaworks runs" in error["errorMessage"]
