"""A live emulator: ``lambdaworks dev`` as a real subprocess on free ports, with log helpers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

PROJECT = Path(__file__).resolve().parents[1] / "apps" / "sam_project"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveEmulator:
    """A running ``lambdaworks dev``; collects its output so tests can wait for log lines."""

    def __init__(
        self, project: Path, *extra: str, state_dir: Path | None = None, ports: tuple[int, int] | None = None
    ) -> None:
        """``ports``: the ports the project's own settings (samconfig.toml) choose; no flags are passed then."""
        self.port, self.invoke_port = ports or (free_port(), free_port())
        flags = [] if ports else ["--port", str(self.port), "--invoke-port", str(self.invoke_port)]
        # the async queue and dead letters: a fresh folder unless the test keeps one across restarts
        self.state_dir = state_dir or Path(tempfile.mkdtemp(prefix="lambdaworks-state-"))
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lambdaworks.cli",
                "dev",
                str(project),
                *flags,
                "--state-dir",
                str(self.state_dir),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for("Ready.", timeout=20)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for(self, text: str, timeout: float = 10.0, after: int = 0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if text in line:
                    return line
            if self.process.poll() is not None:
                raise RuntimeError(f"emulator exited ({self.process.returncode}):\n" + "\n".join(self.lines))
            time.sleep(0.02)
        raise TimeoutError(f"no log line containing {text!r} within {timeout}s:\n" + "\n".join(self.lines[-40:]))

    def lambda_client(self) -> Any:
        return boto3.client(
            "lambda",
            endpoint_url=f"http://127.0.0.1:{self.invoke_port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 0}, read_timeout=60),
        )

    def stop(self) -> int:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


def emulator_for(project: Path, *extra: str) -> Any:
    """A module-scoped fixture serving ``project`` (with ``extra`` flags) for a test module's tests."""

    @pytest.fixture(scope="module")
    def live() -> Iterator[LiveEmulator]:
        emulator = LiveEmulator(project, *extra)
        yield emulator
        emulator.stop()

    return live


@pytest.fixture(scope="module")
def emulator() -> Iterator[LiveEmulator]:
    live = LiveEmulator(PROJECT)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def lambda_api(emulator: LiveEmulator) -> Any:
    return emulator.lambda_client()
