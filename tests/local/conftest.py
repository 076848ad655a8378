"""A live emulator: ``lambdaworks dev`` as a real subprocess on free ports, with log helpers."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from lambdaworks.local.launch import LANE_VARIABLE
from lambdaworks.testing.stack import DevProcess, free_port

PROJECT = Path(__file__).resolve().parents[1] / "apps" / "sam_project"


def until(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """``check()``'s first truthy value, asked every 50 ms; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"{check} never became true")


class LiveEmulator(DevProcess):
    """A running ``lambdaworks dev``; collects its output so tests can wait for log lines."""

    def __init__(
        self,
        project: Path,
        *extra: str,
        state_dir: Path | None = None,
        ports: tuple[int, int] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        """``ports``: the ports the project's own settings (samconfig.toml) choose; no flags are passed then."""
        self.fast_lane = (env or {}).get(LANE_VARIABLE) != "0"  # our bootstrap's way to its environment
        self.port, self.invoke_port = ports or (free_port(), free_port())
        flags = [] if ports else ["--port", str(self.port), "--invoke-port", str(self.invoke_port)]
        # the async queue and dead letters: a fresh folder unless the test keeps one across restarts
        self.state_dir = state_dir or Path(tempfile.mkdtemp(prefix="lambdaworks-state-"))
        argv = [sys.executable, "-m", "lambdaworks.cli", "dev", str(project), *flags]
        super().__init__([*argv, "--state-dir", str(self.state_dir), *extra], start_timeout=20, env=env)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lambda_client(self) -> Any:
        return boto3.client(
            "lambda",
            endpoint_url=f"http://127.0.0.1:{self.invoke_port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 0}, read_timeout=60),
        )


def emulator_for(project: Path, *extra: str) -> Any:
    """A module-scoped fixture serving ``project`` (with ``extra`` flags) for a test module's tests."""

    @pytest.fixture(scope="module")
    def live() -> Iterator[LiveEmulator]:
        emulator = LiveEmulator(project, *extra)
        yield emulator
        emulator.stop()

    return live


#: Our bootstrap's two ways to its environment: the fast lane (the default), and the Runtime API
#: every other client uses. The live tests of the main project pass through both.
LANES = {"fast lane": {}, "runtime api": {LANE_VARIABLE: "0"}}


@pytest.fixture(scope="module", params=list(LANES))
def emulator(request: pytest.FixtureRequest) -> Iterator[LiveEmulator]:
    live = LiveEmulator(PROJECT, env=LANES[request.param])
    yield live
    live.stop()


@pytest.fixture(scope="module")
def lambda_api(emulator: LiveEmulator) -> Any:
    return emulator.lambda_client()
