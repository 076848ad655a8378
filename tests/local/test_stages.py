"""An HTTP API's named stage is part of its URLs, as on AWS: ``https://{api}.execute-api.{region}
.amazonaws.com/{stage}/...`` (the HTTP API guide, "Working with stages for HTTP APIs"), and the
event's rawPath carries it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.local.conftest import LiveEmulator, emulator_for

STAGED = Path(__file__).resolve().parents[1] / "apps" / "staged_project"


staged = emulator_for(STAGED)


def get(emulator: LiveEmulator, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(emulator.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_routes_of_a_named_stage_are_served_under_it(staged: LiveEmulator) -> None:
    status, event = get(staged, "/dev/items/7")
    assert status == 200
    assert event["rawPath"] == event["requestContext"]["http"]["path"] == "/dev/items/7"
    assert event["requestContext"]["stage"] == "dev"
    assert event["pathParameters"] == {"id": "7"}
    assert get(staged, "/items/7") == (404, {"message": "Not Found"})  # not at the root


def test_payload_1_0_on_an_http_api_has_lower_case_header_names(staged: LiveEmulator) -> None:
    """ "All header names are lowercase" (the HTTP API guide's payload format structure)."""
    status, event = get(staged, "/dev/old", {"X-Mixed-Case": "1"})
    assert status == 200
    assert event["version"] == "1.0"
    assert event["path"] == "/dev/old"
    assert event["headers"]["x-mixed-case"] == "1"
    assert all(name == name.lower() for name in event["headers"])
    assert all(name == name.lower() for name in event["multiValueHeaders"])
