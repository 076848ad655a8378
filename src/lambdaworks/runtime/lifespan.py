"""ASGI lifespan, run once per execution environment (at cold start), never per invocation.

Modes: ``"auto"`` runs it and carries on quietly if the app does not support lifespan (raises
before answering startup); ``"on"`` makes that an error; ``"off"`` skips it. A
``lifespan.startup.failed`` message is always an error: :class:`LifespanError` at init, which
Lambda reports as an init error instead of serving a half-started app.
"""

from __future__ import annotations

import asyncio
import sys

from lambdaworks.runtime.errors import ConfigurationError, LifespanError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Lifespan:
    """Drives the lifespan protocol of one ASGI app on a given loop."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop, *, mode: str = "auto", timeout: float = 30.0) -> None:
        if mode not in ("auto", "on", "off"):
            raise ConfigurationError(f'lifespan must be "auto", "on" or "off", not {mode!r}')
        self.app = app
        self.loop = loop
        self.mode = mode
        self.timeout = timeout
        self.state: dict[str, Any] = {}
        self.supported = False
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._startup: asyncio.Future[str | None] | None = None
        self._shutdown: asyncio.Future[str | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None

    def startup(self) -> None:
        """Send ``lifespan.startup`` and wait for the answer; raise :class:`LifespanError` on failure."""
        if self.mode == "off":
            return
        loop = self.loop
        self._queue = asyncio.Queue()
        self._startup = loop.create_future()
        self._shutdown = loop.create_future()
        self._queue.put_nowait({"type": "lifespan.startup"})
        self._task = loop.create_task(self._main())
        try:
            failure = loop.run_until_complete(asyncio.wait_for(asyncio.shield(self._startup), self.timeout))
        except asyncio.TimeoutError:
            raise LifespanError(f"ASGI lifespan startup did not finish within {self.timeout:g} s") from None
        if failure is not None:
            raise LifespanError(f"ASGI lifespan startup failed: {failure}")
        if self._error is not None and not self.supported and self.mode == "on":
            raise LifespanError(
                f"ASGI lifespan startup failed: {type(self._error).__name__}: {self._error}"
            ) from self._error

    async def _main(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        try:
            await self.app(scope, self._receive, self._send)
        except BaseException as exc:  # the app may not speak lifespan at all
            self._error = exc
            if self.supported and self._startup is not None and self._startup.done():
                sys.stderr.write(f"[lambdaworks] ASGI lifespan task crashed: {type(exc).__name__}: {exc}\n")
        finally:
            for fut in (self._startup, self._shutdown):
                if fut is not None and not fut.done():
                    fut.set_result(None if not self.supported else "lifespan task ended unexpectedly")

    async def _receive(self) -> dict[str, Any]:
        assert self._queue is not None
        return await self._queue.get()

    async def _send(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "lifespan.startup.complete" and self._startup and not self._startup.done():
            self.supported = True
            self._startup.set_result(None)
        elif kind == "lifespan.startup.failed" and self._startup and not self._startup.done():
            self.supported = True
            self._startup.set_result(message.get("message") or "lifespan.startup.failed")
        elif kind == "lifespan.shutdown.complete" and self._shutdown and not self._shutdown.done():
            self._shutdown.set_result(None)
        elif kind == "lifespan.shutdown.failed" and self._shutdown and not self._shutdown.done():
            self._shutdown.set_result(message.get("message") or "lifespan.shutdown.failed")

    def shutdown(self) -> None:
        """Send ``lifespan.shutdown`` and wait (bounded) for the app to finish it."""
        if not self.supported or self._queue is None or self._shutdown is None or self.loop.is_closed():
            return
        self._queue.put_nowait({"type": "lifespan.shutdown"})
        try:
            failure = self.loop.run_until_complete(asyncio.wait_for(asyncio.shield(self._shutdown), self.timeout))
        except asyncio.TimeoutError:
            failure = "timed out"
        if failure:
            sys.stderr.write(f"[lambdaworks] ASGI lifespan shutdown failed: {failure}\n")
        if self._task is not None and not self._task.done():
            self._task.cancel()
