"""The Lambda Runtime API of one execution environment: the process asks for its next invocation
(``GET .../invocation/next``, parked until work comes) and posts its result, its error or an init
error. It listens on 127.0.0.1 (``AWS_LAMBDA_RUNTIME_API``), so any client works: ours
(``lambdaworks.runtime.bootstrap``), AWS's ``awslambdaric``, or a ``provided`` runtime's
``bootstrap``. Ours is offered the fast lane instead (:mod:`lambdaworks.local.lane`): frames on a
Unix socket (``LAMBDAWORKS_RUNTIME_SOCKET``), the invocations handed over as soon as they come,
no HTTP either way. Both ways lead to the same records: the invocation current, its result or
error, init and its error. ``LAMBDAWORKS_FAST_LANE=0`` in the emulator's environment turns the
lane off, and our bootstrap speaks HTTP like every other client.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from lambdaworks.local.http import Request, Response, json_response, serve
from lambdaworks.local.invocation import RESPONSE_LIMIT, RUNTIME_TOO_LARGE, Invocation, too_large
from lambdaworks.local.lane import LaneConnection
from lambdaworks.local.launch import RuntimeSockets
from lambdaworks.project.model import Function, function_arn
from lambdaworks.runtime import lane

NEXT = "/2018-06-01/runtime/invocation/next"
PREFIX = "/2018-06-01/runtime/invocation/"
INIT_ERROR = "/2018-06-01/runtime/init/error"
ACCEPTED = b'{"status": "OK"}'


class RuntimeApi:
    """The Runtime API an environment's process talks to, and the invocations waiting in it."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self.server: asyncio.Server | None = None
        self.sockets: RuntimeSockets | None = None
        self.unix_server: asyncio.Server | None = None
        self.connection: LaneConnection | None = None  # our bootstrap's lane
        self.lane: LaneConnection | None = None  # the same, while it waits for an invocation
        self.on_output: Callable[[bytes], None] | None = None  # the lane's OUTPUT frames go here
        self.arn = function_arn(function.name)
        self.queue: asyncio.Queue[Invocation] = asyncio.Queue()
        self.current: Invocation | None = None
        self.initialised = False
        self.init_started = 0.0
        self.init_duration_ms: float | None = None
        self.init_error: bytes | None = None
        self.ready: asyncio.Future[None] | None = None  # set when the process first asks for work
        self.asking: asyncio.Task[Any] | None = None  # the runtime's `next`, parked until work comes
        self.running = True  # init or an invocation in progress: memory is watched

    async def open(self, sockets: RuntimeSockets | None = None) -> None:
        """Serve on ``sockets`` (listening since before the process started), else on new ones."""
        sockets = sockets or RuntimeSockets.open()
        self.sockets = sockets
        self.server = await serve(self, sockets.http)
        if sockets.lane is not None:
            loop = asyncio.get_running_loop()
            self.unix_server = await loop.create_unix_server(lambda: LaneConnection(self), sock=sockets.lane)
        self.ready = asyncio.get_running_loop().create_future()

    def close(self) -> None:
        """Stop listening; a parked `next` is cancelled (left pending, it would be destroyed later
        with a warning)."""
        if self.asking is not None:
            self.asking.cancel()
        if self.connection is not None and self.connection.transport is not None:
            self.connection.transport.close()
        if self.server is not None:
            self.server.close()
        if self.unix_server is not None:
            self.unix_server.close()
        if self.sockets is not None:
            self.sockets.remove_lane_folder()

    # -- both ways ----------------------------------------------------------------------

    def dispatch(self, invocation: Invocation) -> None:
        """Hand ``invocation`` to the process: at once on the lane when the bootstrap waits there,
        else to the ``next`` request that asks for it. It counts as running from now: the memory
        watcher stops for an environment it finds idle, and a runtime's ``next`` may come later."""
        self.running = True
        waiting = self.lane
        if waiting is not None:
            self.lane = None
            self._hand(waiting, invocation)
        else:
            self.queue.put_nowait(invocation)

    def _begin(self, invocation: Invocation) -> Invocation:
        self.running = True
        self.current = invocation
        invocation.started = time.perf_counter()
        return invocation

    def _initialised(self) -> None:
        if not self.initialised:
            self.initialised = True
            self.init_duration_ms = (time.perf_counter() - self.init_started) * 1000
            if self.ready is not None and not self.ready.done():
                self.ready.set_result(None)
        self.running = False

    def _finish(self, kind: str, body: bytes, error_type: str = "") -> bool:
        """The current invocation's result (``kind`` "ok") or error; False when the result is over
        Lambda's limit (the invocation fails)."""
        too_big = kind == "ok" and len(body) > RESPONSE_LIMIT
        current = self.current
        if current is not None and current.future is not None and not current.future.done():
            if too_big:
                current.future.set_result(("error", too_large(len(body)), "Function.ResponseSizeTooLarge"))
            else:
                current.future.set_result((kind, body, error_type))
        return not too_big

    def _deadline(self) -> str:
        return str(int((time.time() + self.function.timeout) * 1000))

    def _trace_id(self, invocation: Invocation) -> str:
        return f"Root=1-{int(time.time()):08x}-{invocation.request_id.replace('-', '')[:24]};Sampled=0"

    # -- the fast lane -------------------------------------------------------------------

    def _hand(self, connection: LaneConnection, invocation: Invocation) -> None:
        """Start ``invocation`` on the bootstrap waiting at ``connection``."""
        self._begin(invocation)
        connection.invoke(self._lane_header(invocation), invocation.payload)

    def _lane_header(self, invocation: Invocation) -> bytes:
        return lane.invocation_header(
            (
                invocation.request_id,
                self._deadline(),
                self.arn,
                self._trace_id(invocation),
                invocation.client_context or "",
                "",
            )
        )

    def on_frame(self, connection: LaneConnection, kind: int, header: bytes, body: bytes) -> None:
        """A frame from our bootstrap: output, readiness, a result or error, an init error."""
        if kind == lane.OUTPUT:
            if self.on_output is not None:
                self.on_output(body)
            return
        if kind == lane.RESULT:
            self._finish("ok", body)
        elif kind == lane.ERROR:
            self._finish("error", body, header.decode("utf-8", "replace") or "Unhandled")
        elif kind == lane.INIT_ERROR:
            self.init_error = body or b"{}"
            return
        elif kind != lane.READY:
            return
        self._initialised()  # the bootstrap now waits for its next invocation
        self.connection = connection
        if self.queue.empty():
            self.lane = connection
        else:
            self._hand(connection, self.queue.get_nowait())

    def on_lane_lost(self, connection: LaneConnection) -> None:
        if self.lane is connection:
            self.lane = None

    # -- the Runtime API -------------------------------------------------------------------

    def __call__(self, request: Request) -> Awaitable[Response] | Response:
        """The Runtime API: results and errors are answered at once; ``next`` waits for work."""
        path = request.path
        if request.method == "GET" and path == NEXT:
            return self._next()
        if request.method == "POST" and path.startswith(PREFIX):
            request_id, _, action = path[len(PREFIX) :].partition("/")
            current = self.current
            if current is None or current.request_id != request_id or current.future is None:
                return json_response(400, b'{"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}')
            if action == "response":
                if not self._finish("ok", request.body):  # the function fails; the runtime is told why
                    return json_response(413, RUNTIME_TOO_LARGE)
                return json_response(202, ACCEPTED)
            if action == "error":
                self._finish("error", request.body, request.header("Lambda-Runtime-Function-Error-Type") or "Unhandled")
                return json_response(202, ACCEPTED)
        if request.method == "POST" and path == INIT_ERROR:
            self.init_error = request.body or b"{}"
            return json_response(202, ACCEPTED)
        return json_response(404, b'{"errorMessage": "not found", "errorType": "NotFound"}')

    async def _next(self) -> Response:
        self._initialised()
        loop = self.ready.get_loop() if self.ready is not None else None  # known: no getpid() call
        self.asking = asyncio.current_task(loop)
        try:
            invocation = self._begin(await self.queue.get())
        finally:
            self.asking = None
        headers = [
            ("Lambda-Runtime-Aws-Request-Id", invocation.request_id),
            ("Lambda-Runtime-Deadline-Ms", self._deadline()),
            ("Lambda-Runtime-Invoked-Function-Arn", self.arn),
            ("Lambda-Runtime-Trace-Id", self._trace_id(invocation)),
        ]
        if invocation.client_context:
            headers.append(("Lambda-Runtime-Client-Context", invocation.client_context))
        return json_response(200, invocation.payload, headers)
