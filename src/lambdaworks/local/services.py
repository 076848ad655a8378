"""Starts and stops the local AWS services' process (:mod:`lambdaworks.services`) for ``dev``.

It starts only when the template declares a bucket, queue, topic, table or event bus, in its own
process so its work never takes the gateway's time; ``dev`` waits for it (resources created)
before saying Ready. It reaches the functions only through the Invoke API, as Lambda's pollers do.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

from lambdaworks.local.logs import Logs
from lambdaworks.project import Project
from lambdaworks.services.spec import SOURCE_KINDS, Resource, Source, Spec

START_TIMEOUT = 30.0
READY = "READY"


class ServicesError(Exception):
    """The local services could not start."""


def spec_of(project: Project) -> Spec:
    """The resources to create and the event sources to wire, from the loaded project."""
    resources = tuple(
        Resource(service.logical_id, service.type, service.name, dict(service.properties))
        for service in project.services.values()
    )
    sources = tuple(
        Source(name, event.name, event.kind, dict(event.properties))
        for name, function in project.functions.items()
        for event in function.events
        if event.kind in SOURCE_KINDS
    )
    return Spec(resources, sources)


class ServicesProcess:
    """The services process of one ``dev``."""

    def __init__(
        self, project: Project, port: int, invoke_port: int, state: Path, logs: Logs, fresh: bool = False
    ) -> None:
        self.project = project
        self.fresh = fresh
        self.port = port
        self.invoke_port = invoke_port
        self.folder = state / "services"
        self.logs = logs
        self.process: asyncio.subprocess.Process | None = None
        self.reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the process and wait until its endpoint answers and the resources exist."""
        self.folder.mkdir(parents=True, exist_ok=True)
        spec = self.folder / "spec.json"
        spec.write_text(spec_of(self.project).dumps())
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "lambdaworks.services",
            "--port",
            str(self.port),
            "--invoke-url",
            f"http://127.0.0.1:{self.invoke_port}",
            "--spec",
            str(spec),
            "--state",
            str(self.folder),
            *(["--fresh"] if self.fresh else []),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        ready = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self._read(ready))
        try:
            await asyncio.wait_for(asyncio.shield(ready), START_TIMEOUT)
        except (asyncio.TimeoutError, ServicesError) as exc:
            await self.close()
            raise ServicesError(f"the local AWS services did not start: {exc or 'no answer'}") from exc

    async def _read(self, ready: asyncio.Future[None]) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        last = ""
        async for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if line.startswith(READY) and not ready.done():
                ready.set_result(None)
                continue
            if line:
                last = line
                self.logs.line("services", line)
        if not ready.done():
            ready.set_exception(ServicesError(last or "it exited"))

    async def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        if self.reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.reader, 1)

    def describe(self) -> list[str]:
        """The start-up lines: the endpoint and each resource."""
        lines = [f"AWS services on http://127.0.0.1:{self.port}  (aws --endpoint-url http://127.0.0.1:{self.port})"]
        for service in self.project.services.values():
            lines.append(f"  {service.type:<22} {service.logical_id}: {service.name}")
        return lines
