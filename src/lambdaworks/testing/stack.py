"""A running ``lambdaworks dev`` for tests: the project's APIs, its Invoke API and its local AWS
services, with boto3 clients bound to them (see the ``local_stack`` fixture)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "lambdaworks", "aws_secret_access_key": "lambdaworks"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DevProcess:
    """A ``lambdaworks dev`` process started with ``argv``, its output lines collected as they come."""

    def __init__(self, argv: list[str], start_timeout: float = 60.0, env: Mapping[str, str] | None = None) -> None:
        """``env``: variables to set for ``dev`` beyond the current environment's."""
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            env={**os.environ, **env} if env else None,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for("Ready.", timeout=start_timeout)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 10.0, after: int = 0) -> str:
        """The first output line (from line ``after`` on) containing ``text``; TimeoutError after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if text in line:
                    return line
            if self.process.poll() is not None:
                raise RuntimeError(f"lambdaworks dev exited ({self.process.returncode}):\n" + "\n".join(self.lines))
            time.sleep(0.02)
        raise TimeoutError(f"no output line with {text!r} within {timeout} s:\n" + "\n".join(self.lines[-40:]))

    def stop(self) -> int:
        """Ctrl-C, as a developer stops it; its exit status."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


class LocalStack(DevProcess):
    """``lambdaworks dev`` on free ports with an empty state folder of its own."""

    def __init__(self, project_dir: str | Path, *options: str, start_timeout: float = 60.0) -> None:
        self.port, self.invoke_port, self.services_port = free_port(), free_port(), free_port()
        self.state = Path(tempfile.mkdtemp(prefix="lambdaworks-stack-"))
        argv = [sys.executable, "-m", "lambdaworks.cli", "dev", str(project_dir)]
        argv += ["--port", str(self.port), "--invoke-port", str(self.invoke_port)]
        argv += ["--services-port", str(self.services_port), "--url-port", "0"]
        argv += ["--state-dir", str(self.state), "--no-reload", *options]
        super().__init__(argv, start_timeout)

    @property
    def url(self) -> str:
        """The API Gateway front."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def services_url(self) -> str:
        return f"http://127.0.0.1:{self.services_port}"

    def client(self, service: str, **config: Any) -> Any:
        """A boto3 client of ``service``: ``lambda`` is the Invoke API, anything else the local services."""
        import boto3

        port = self.invoke_port if service == "lambda" else self.services_port
        return boto3.client(
            service, endpoint_url=f"http://127.0.0.1:{port}", region_name=REGION, **CREDENTIALS, **config
        )
