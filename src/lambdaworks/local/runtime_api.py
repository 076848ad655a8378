"""The Lambda Runtime API of one execution environment: the process asks for its next invocation
(``GET .../invocation/next``, parked until work comes) and posts its result, its error or an init
error. It listens on 127.0.0.1 (``AWS_LAMBDA_RUNTIME_API``), so any client works: ours
(``lambdaworks.runtime.bootstrap``), AWS's ``awslambdaric``, or a ``provided`` runtime's
``bootstrap``. Ours is also offered the same API on a Unix socket (``LAMBDAWORKS_RUNTIME_SOCKET``),
which costs less per invocation than loopback TCP.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from lambdaworks.local.http import Request, Response, bind, bind_unix, json_response, serve
from lambdaworks.local.invocation import RESPONSE_LIMIT, RUNTIME_TOO_LARGE, Invocation, too_large
from lambdaworks.project.model import Function, function_arn
from lambdaworks.runtime.context import new_request_id

NEXT = "/2018-06-01/runtime/invocation/next"
PREFIX = "/2018-06-01/runtime/invocation/"
INIT_ERROR = "/2018-06-01/runtime/init/error"


class RuntimeApi:
    """The Runtime API an environment's process talks to, and the invocations waiting in it."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self.server: asyncio.Server | None = None
        self.port = 0
        self.unix_server: asyncio.Server | None = None
        self.unix_address: str | None = None  # the same API on a Unix socket, for our bootstrap
        self.queue: asyncio.Queue[Invocation] = asyncio.Queue()
        self.current: Invocation | None = None
        self.initialised = False
        self.init_started = 0.0
        self.init_duration_ms: float | None = None
        self.init_error: bytes | None = None
        self.ready: asyncio.Future[None] | None = None  # set when the process first asks for work
        self.asking: asyncio.Task[Any] | None = None  # the runtime's `next`, parked until work comes
        self.running = asyncio.Event()  # init or an invocation in progress: memory is watched
        self.running.set()

    async def open(self) -> None:
        """Listen on a free loopback port (and a Unix socket where there are such)."""
        sock = bind("127.0.0.1", 0)
        self.port = sock.getsockname()[1]
        self.server = await serve(self, sock)
        await self._serve_unix()
        self.ready = asyncio.get_running_loop().create_future()

    def close(self) -> None:
        """Stop listening; a parked `next` is cancelled (left pending, it would be destroyed later
        with a warning)."""
        if self.asking is not None:
            self.asking.cancel()
        if self.server is not None:
            self.server.close()
        if self.unix_server is not None:
            self.unix_server.close()
            if self.unix_address is not None and not self.unix_address.startswith("@"):
                shutil.rmtree(Path(self.unix_address).parent, ignore_errors=True)

    async def _serve_unix(self) -> None:
        """Also serve the Runtime API on a Unix socket (Linux: abstract, nothing on disk; other
        POSIX systems: a file in a private temporary folder, removed with the environment)."""
        if not hasattr(socket, "AF_UNIX"):
            return
        name = f"lambdaworks-{os.getpid()}-{new_request_id()}"
        if sys.platform.startswith("linux"):
            address = "@" + name
        else:
            address = str(Path(tempfile.mkdtemp(prefix="lambdaworks-")) / "runtime.sock")
        try:
            self.unix_server = await serve(self, bind_unix(address))
        except OSError:  # a path too long for the platform, say: TCP alone still serves every client
            if not address.startswith("@"):
                shutil.rmtree(Path(address).parent, ignore_errors=True)
            return
        self.unix_address = address

    # -- the API ------------------------------------------------------------------------

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
                if len(request.body) > RESPONSE_LIMIT:  # the function fails; the runtime is told why
                    if not current.future.done():
                        current.future.set_result(
                            ("error", too_large(len(request.body)), "Function.ResponseSizeTooLarge")
                        )
                    return json_response(413, RUNTIME_TOO_LARGE)
                if not current.future.done():
                    current.future.set_result(("ok", request.body, ""))
                return json_response(202, b'{"status": "OK"}')
            if action == "error":
                kind = request.header("Lambda-Runtime-Function-Error-Type") or "Unhandled"
                if not current.future.done():
                    current.future.set_result(("error", request.body, kind))
                return json_response(202, b'{"status": "OK"}')
        if request.method == "POST" and path == INIT_ERROR:
            self.init_error = request.body or b"{}"
            return json_response(202, b'{"status": "OK"}')
        return json_response(404, b'{"errorMessage": "not found", "errorType": "NotFound"}')

    async def _next(self) -> Response:
        if not self.initialised:
            self.initialised = True
            self.init_duration_ms = (time.perf_counter() - self.init_started) * 1000
            if self.ready is not None and not self.ready.done():
                self.ready.set_result(None)
        self.running.clear()
        loop = self.ready.get_loop() if self.ready is not None else None  # known: no getpid() call
        self.asking = asyncio.current_task(loop)
        try:
            invocation = await self.queue.get()
        finally:
            self.asking = None
        self.running.set()
        self.current = invocation
        invocation.started = time.perf_counter()
        deadline = int((time.time() + self.function.timeout) * 1000)
        headers = [
            ("Lambda-Runtime-Aws-Request-Id", invocation.request_id),
            ("Lambda-Runtime-Deadline-Ms", str(deadline)),
            ("Lambda-Runtime-Invoked-Function-Arn", function_arn(self.function.name)),
            (
                "Lambda-Runtime-Trace-Id",
                f"Root=1-{int(time.time()):08x}-{invocation.request_id.replace('-', '')[:24]};Sampled=0",
            ),
        ]
        if invocation.client_context:
            headers.append(("Lambda-Runtime-Client-Context", invocation.client_context))
        return json_response(200, invocation.payload, headers)
