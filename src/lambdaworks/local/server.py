"""The emulator process: binds the gateway and Invoke API ports, owns the invoker, shuts down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
from dataclasses import dataclass, field
from pathlib import Path

from lambdaworks.local.gateway import Gateway
from lambdaworks.local.http import bind, serve
from lambdaworks.local.invoke_api import InvokeApi
from lambdaworks.local.invoker import Invoker, Logs
from lambdaworks.project import Project


class PortInUse(Exception):
    """A port the emulator must listen on is taken."""

    def __init__(self, host: str, port: int, option: str) -> None:
        super().__init__(
            f"Port {port} on {host} is in use by another program. Either stop it or pass {option} with a free port."
        )
        self.port = port


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything ``lambdaworks dev`` was asked for."""

    project_dir: Path
    template: Path | None = None
    host: str = "127.0.0.1"
    port: int = 3000
    invoke_port: int = 3001
    overrides: dict[str, str] = field(default_factory=dict)
    log_file: Path | None = None


class Emulator:
    """Serves one loaded project until stopped."""

    def __init__(self, config: EmulatorConfig, project: Project, logs: Logs | None = None) -> None:
        self.config = config
        self.project = project
        self.invoker = Invoker(project, logs)
        self.servers: list[asyncio.Server] = []
        self.stopped = asyncio.Event()

    async def start(self) -> tuple[int, int]:
        """Bind both ports (actionable error when taken) and start serving; returns the ports."""
        try:
            gateway_sock = bind(self.config.host, self.config.port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(self.config.host, self.config.port, "--port") from exc
            raise
        try:
            invoke_sock = bind(self.config.host, self.config.invoke_port)
        except OSError as exc:
            gateway_sock.close()
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(self.config.host, self.config.invoke_port, "--invoke-port") from exc
            raise
        ports = gateway_sock.getsockname()[1], invoke_sock.getsockname()[1]
        self.servers = [
            await serve(Gateway(self.project, self.invoker), gateway_sock),
            await serve(InvokeApi(self.invoker), invoke_sock),
        ]
        return ports

    async def run_until_stopped(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stopped.set)
        await self.stopped.wait()
        await self.close()

    async def close(self) -> None:
        for server in self.servers:
            server.close()
        await self.invoker.close()
