"""ASGI bridge: :func:`build_scope` (pure) and :class:`AsgiRunner` (one event loop per process).

The event loop is created once, with the handler, and reused by every invocation: Lambda
freezes the process between invocations, so a persistent loop is both correct and the cheapest
way to run a coroutine per request. ``asyncio`` is imported here only, so WSGI functions never
pay for it at cold start.

Each request runs as a real task on that loop, but most requests never wait for I/O: the loop's
ready callbacks are run in order until the task is done, as the loop itself would run them, without
``run_until_complete``'s start, stop and two polls of the selector (12 µs, more than the rest of the
bridge). A task that does wait (a thread, a timer, a socket) is handed to ``run_until_complete``.
"""

from __future__ import annotations

import asyncio
import sys
from asyncio.events import _get_running_loop, _set_running_loop
from collections import deque

from lambdaworks.runtime.encoding import path_to_asgi
from lambdaworks.runtime.lifespan import Lifespan
from lambdaworks.runtime.types import HttpResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, MutableMapping
    from typing import Any

    from lambdaworks.runtime.types import HttpRequest

    Message = MutableMapping[str, Any]
    Receive = Callable[[], Awaitable[Message]]
    Send = Callable[[Message], Awaitable[None]]
    AsgiApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

_ASGI = {"version": "3.0", "spec_version": "2.3"}


def build_scope(request: HttpRequest, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ASGI HTTP scope for ``request``. ``path`` includes ``root_path``, as servers send it.

    Header values are native strings (one character per byte), so latin-1 gives back the bytes.
    """
    root = request.root_path
    path = request.path
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": _ASGI,
        "http_version": "1.1",
        "method": request.method,
        "scheme": request.scheme,
        "path": root + path if "%" not in path else root + path_to_asgi(path),
        "raw_path": (root + path).encode(),
        "root_path": root,
        "query_string": request.query.encode(),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in request.headers],
        "server": (request.server_name, request.server_port),
        "client": (request.client_ip, 0),
        "aws.event": request.event,
        "aws.context": request.context,
    }
    if state is not None:
        scope["state"] = state.copy()
    return scope


class AsgiRunner:
    """Runs an ASGI app one request at a time on a loop owned by this runner."""

    def __init__(self, app: AsgiApp, *, lifespan: str = "auto") -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        ready = getattr(self.loop, "_ready", None)  # BaseEventLoop's queue of callbacks due now
        self._ready: deque[Any] | None = ready if isinstance(ready, deque) else None
        try:
            self.lifespan = Lifespan(app, self.loop, mode=lifespan)
            self.lifespan.startup()
        except BaseException:
            self.loop.close()
            raise

    @property
    def state(self) -> dict[str, Any] | None:
        """Lifespan state shared with every request (``scope["state"]``), if the app has lifespan."""
        return self.lifespan.state if self.lifespan.supported else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.run(build_scope(request, self.state), request.body)

    def run(self, scope: dict[str, Any], body: bytes) -> HttpResponse:
        """Run one HTTP request through the app and return the whole response."""
        loop = self.loop
        if self._ready is None or _get_running_loop() is not None:  # not a BaseEventLoop, or nested
            cycle = self._cycle(scope, body)
            try:
                return loop.run_until_complete(cycle)
            except RuntimeError:  # "another loop is running": the cycle never started
                cycle.close()
                raise
        task = loop.create_task(self._cycle(scope, body))
        self._drain(task)
        if not task.done():  # it waits for I/O, a timer or a thread: the loop proper takes over
            return loop.run_until_complete(task)
        return task.result()

    def _drain(self, task: asyncio.Task[HttpResponse]) -> None:
        """Run the loop's ready callbacks in order, as its own turn would, until ``task`` is done or
        nothing is ready; then the callbacks ready at that moment, as the loop's stopping turn would
        (a task the app started gets its first step, as under ``run_until_complete``)."""
        ready = self._ready
        assert ready is not None
        loop = self.loop
        hooks = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(firstiter=loop._asyncgen_firstiter_hook, finalizer=loop._asyncgen_finalizer_hook)  # type: ignore[attr-defined]
        _set_running_loop(loop)
        try:
            while ready and not task.done():
                handle = ready.popleft()
                if not handle._cancelled:
                    handle._run()
            if task.done():
                for _ in range(len(ready)):
                    handle = ready.popleft()
                    if not handle._cancelled:
                        handle._run()
        finally:
            _set_running_loop(None)
            sys.set_asyncgen_hooks(*hooks)

    async def _cycle(self, scope: dict[str, Any], body: bytes) -> HttpResponse:
        status = 0
        headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        state = {"received": False, "done": False}
        finished: asyncio.Future[None] | None = None

        async def receive() -> Message:
            nonlocal finished
            if not state["received"]:
                state["received"] = True
                return {"type": "http.request", "body": body, "more_body": False}
            if not state["done"]:  # the request is fully read: wait until the response is sent
                if finished is None:
                    finished = self.loop.create_future()
                await finished
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status, headers
            kind = message["type"]
            if kind == "http.response.start":
                status = int(message["status"])
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers") or ()]
            elif kind == "http.response.body":
                chunk = message.get("body", b"")
                if chunk:
                    chunks.append(chunk)
                if not message.get("more_body", False):
                    state["done"] = True
                    if finished is not None and not finished.done():
                        finished.set_result(None)

        try:
            await self.app(scope, receive, send)
        except Exception:
            if not state["done"]:
                raise
            # Starlette's error middleware sends its 500 and then re-raises: keep the response
            import logging

            logging.getLogger("lambdaworks").exception("the ASGI app raised after sending its response")
        if not status:
            raise RuntimeError("the ASGI application returned without starting a response")
        return HttpResponse(status, headers, chunks[0] if len(chunks) == 1 else b"".join(chunks))

    def close(self) -> None:
        """Run lifespan shutdown and close the loop (called at interpreter exit)."""
        if self.loop.is_closed():
            return
        self.lifespan.shutdown()
        self.loop.close()
