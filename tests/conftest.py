"""Shared test helpers: the AWS event fixtures in ``tests/fixtures/events/`` (see its README)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "tests" / "fixtures" / "events"


def load_event(name: str) -> dict[str, Any]:
    """Load ``folder/file.json`` from the event fixtures."""
    return json.loads((EVENTS / name).read_text())  # type: ignore[no-any-return]


def all_fixture_files() -> list[Path]:
    """Every JSON fixture, sorted (``dynamodb-event-malformed.2.json`` is not valid JSON)."""
    files = sorted(EVENTS.glob("*/*.json"))
    if not files:
        raise FileNotFoundError(f"no event fixtures under {EVENTS}")
    return files


@pytest.fixture(autouse=True, scope="session")
def stamp_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The no-op build stamps of every ``lambdaworks build`` the tests run, kept out of the user's cache."""
    folder = tmp_path_factory.mktemp("stamps")
    os.environ["LAMBDAWORKS_STAMP_DIR"] = str(folder)
    return folder
