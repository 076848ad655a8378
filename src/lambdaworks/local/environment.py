"""One execution environment: an OS process running a Runtime API client, and its Runtime API.

Each environment gets its own Runtime API listener on 127.0.0.1 (``AWS_LAMBDA_RUNTIME_API``), so
any client works: ours (``lambdaworks.runtime.bootstrap``), AWS's ``awslambdaric``, or a
``provided`` runtime's ``bootstrap`` executable. Ours is also offered the same API on a Unix socket
(``LAMBDAWORKS_RUNTIME_SOCKET``), which costs less per invocation than loopback TCP. It runs one
invocation at a time; on timeout, memory overrun or crash it is killed and reports AWS's error
shape, and the pool replaces it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdaworks.local.http import Request, Response, bind, bind_unix, json_response, serve
from lambdaworks.local.processes import peak_mb, tree_resident_mb
from lambdaworks.local.variables import DEFAULT_HOST, HostVariables, process_environment
from lambdaworks.project.model import Function, function_arn
from lambdaworks.runtime.bootstrap import OUTPUT_END, SOCKET_VARIABLE
from lambdaworks.runtime.context import new_request_id
from lambdaworks.runtime.readonly import VARIABLE as READ_ONLY_VARIABLE

INIT_TIMEOUT = 10.0
NEXT = "/2018-06-01/runtime/invocation/next"
PREFIX = "/2018-06-01/runtime/invocation/"
INIT_ERROR = "/2018-06-01/runtime/init/error"


@dataclass
class Invocation:
    """One event on its way through an environment."""

    payload: bytes
    request_id: str = field(default_factory=new_request_id)
    client_context: str | None = None
    future: asyncio.Future[tuple[str, bytes, str]] | None = None
    logs: list[str] = field(default_factory=list)
    started: float = 0.0
    tail: bool = False  # the caller wants the logs (Invoke API LogType=Tail): wait for the pipe to drain
    output_done: bool = False  # our bootstrap's end-of-output mark has been read
    output_waiter: asyncio.Future[None] | None = None  # set when the result came before that mark


@dataclass
class Outcome:
    """What an invocation produced. ``error_type`` is set for function errors."""

    request_id: str
    payload: bytes
    error_type: str | None = None
    logs: str = ""
    duration_ms: float = 0.0
    init_duration_ms: float | None = None
    max_memory_mb: int = 0

    @property
    def failed(self) -> bool:
        return self.error_type is not None


#: The largest result Lambda returns; a larger one fails the invocation with
#: Function.ResponseSizeTooLarge, and the Runtime API answers the runtime 413 (both as AWS's Runtime
#: Interface Emulator states them: aws/aws-lambda-runtime-interface-emulator, rapi handler tests).
RESPONSE_LIMIT = 6_291_556
RUNTIME_TOO_LARGE = json.dumps(
    {
        "errorMessage": f"Exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).",
        "errorType": "RequestEntityTooLarge",
    },
    separators=(",", ":"),
).encode()


def too_large(size: int) -> bytes:
    """The invocation's error for a result of ``size`` bytes over RESPONSE_LIMIT."""
    message = f"Response payload size ({size} bytes) exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes)."
    return json.dumps({"errorMessage": message, "errorType": "Function.ResponseSizeTooLarge"}).encode()


def error_body(request_id: str, error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": f"RequestId: {request_id} Error: {message}"}).encode()


READ_SIZE = 65536
MAX_LINE = 256 * 1024  # CloudWatch's largest event
OUTPUT_WAIT = 1.0  # seconds to wait for the end-of-output mark after the result (a stuck pipe: log on)


PEAK_EVERY = 0.25


def _expire(future: asyncio.Future[tuple[str, bytes, str]]) -> None:
    if not future.done():
        future.set_result(("timeout", b"", ""))


class Environment:
    """A warm (or cold) execution environment of one function."""

    def __init__(
        self,
        function: Function,
        on_output: Callable[[str, str, str | None], None],
        host: HostVariables = DEFAULT_HOST,
    ) -> None:
        self.host = host
        self.function = function
        self.on_output = on_output
        self.process: asyncio.subprocess.Process | None = None
        self.server: asyncio.Server | None = None
        self.port = 0
        self.unix_server: asyncio.Server | None = None
        self.unix_address: str | None = None  # the same Runtime API on a Unix socket, for our bootstrap
        self.queue: asyncio.Queue[Invocation] = asyncio.Queue()
        self.current: Invocation | None = None
        self.initialised = False
        self.init_started = 0.0
        self.init_duration_ms: float | None = None
        self.init_error: bytes | None = None
        self.exit_reason: str | None = None
        self.killed_for: str | None = None
        self.peak_mb = 0
        self._peak_read = 0.0
        self.running = asyncio.Event()  # init or an invocation in progress: memory is watched
        self.running.set()
        self.init_reported = False  # Init Duration goes on the first REPORT only
        self._cold_invocation: Invocation | None = None  # the one waiting for init to finish
        self._ready: asyncio.Future[None] | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self.asking: asyncio.Task[Any] | None = None  # the runtime's `next`, parked until work comes
        self.tmp: str | None = None  # the environment's TMPDIR

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None and self.exit_reason is None

    async def start(self) -> None:
        """Open the Runtime API and start the process (init runs now, as on a cold start)."""
        sock = bind("127.0.0.1", 0)
        self.port = sock.getsockname()[1]
        self.server = await serve(self.runtime_api, sock)
        await self._serve_unix()
        self._ready = asyncio.get_running_loop().create_future()
        if self.function.is_provided:
            argv = [str(self.function.code_uri / "bootstrap")]
        else:
            isolated = ["-S"] if self.function.packaged else []  # no site-packages: only what the package ships
            argv = [sys.executable, *isolated, "-m", "lambdaworks.runtime.bootstrap"]
        self.init_started = time.perf_counter()
        env = process_environment(self.function, f"127.0.0.1:{self.port}", self.host)
        env.pop(SOCKET_VARIABLE, None)  # never one inherited from the emulator's own environment
        # its own /tmp (a private folder, removed with the environment), and its code read-only
        self.tmp = env["TMPDIR"] = tempfile.mkdtemp(prefix=f"lambdaworks-{self.function.name}-tmp-")
        if not self.function.is_provided:
            env[READ_ONLY_VARIABLE] = os.pathsep.join(str(p) for p in (self.function.code_uri, *self.function.layers))
        if self.unix_address is not None:
            env[SOCKET_VARIABLE] = self.unix_address
        self.process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=str(self.function.code_uri),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        self._tasks = [asyncio.create_task(self._read_output()), asyncio.create_task(self._watch_exit())]
        if sys.platform.startswith("linux"):
            self._tasks.append(asyncio.create_task(self._watch_memory()))

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
            self.unix_server = await serve(self.runtime_api, bind_unix(address))
        except OSError:  # a path too long for the platform, say: TCP alone still serves every client
            if not address.startswith("@"):
                shutil.rmtree(Path(address).parent, ignore_errors=True)
            return
        self.unix_address = address

    # -- the Runtime API ------------------------------------------------------------------------

    def runtime_api(self, request: Request) -> Awaitable[Response] | Response:
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
            if self._ready is not None and not self._ready.done():
                self._ready.set_result(None)
        self.running.clear()
        loop = self._ready.get_loop() if self._ready is not None else None  # known: no getpid() call
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

    # -- invocations ----------------------------------------------------------------------------

    async def invoke(self, invocation: Invocation) -> Outcome:
        """Run one invocation here; never raises for function failures."""
        assert self._ready is not None
        loop = self._ready.get_loop()  # asyncio.get_running_loop() makes a getpid() system call
        invocation.future = loop.create_future()
        cold = not self.initialised
        if cold:
            self._cold_invocation = invocation
            waiting: set[asyncio.Future[Any]] = {self._ready, invocation.future}
            done, _ = await asyncio.wait(waiting, timeout=INIT_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
            if not done:
                await self.kill("init timeout")
                return self._failure(
                    invocation, "Runtime.InitTimeout", f"Init timed out after {INIT_TIMEOUT:.2f} seconds"
                )
            if invocation.future.done():  # the process died (or reported an init error) before asking for work
                return self._outcome(invocation, *invocation.future.result())
        self.queue.put_nowait(invocation)
        timer = loop.call_later(self.function.timeout + 0.05, _expire, invocation.future)  # cheaper than wait_for
        try:
            kind, body, error_type = await invocation.future
        finally:
            timer.cancel()
        if kind != "timeout" and not self.function.is_provided and not invocation.output_done:
            # our bootstrap marks the end of an invocation's output before it posts the result; the
            # loop may see the result first: the output comes before END, as on Lambda
            invocation.output_waiter = loop.create_future()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(invocation.output_waiter, OUTPUT_WAIT)
        elif invocation.tail:  # another runtime: a few turns let the reader catch what is in the pipe
            for _ in range(3):
                await asyncio.sleep(0)
        if invocation.tail:
            self.current = None
        if kind == "timeout":
            await self.kill("timeout")
            return self._failure(
                invocation, "Sandbox.Timedout", f"Task timed out after {self.function.timeout:.2f} seconds"
            )
        return self._outcome(invocation, kind, body, error_type)

    def _outcome(self, invocation: Invocation, kind: str, body: bytes, error_type: str) -> Outcome:
        duration = (time.perf_counter() - invocation.started) * 1000 if invocation.started else 0.0
        cold_init = None
        if invocation.started and not self.init_reported:
            self.init_reported = True
            cold_init = self.init_duration_ms
        return Outcome(
            request_id=invocation.request_id,
            payload=body,
            error_type=(error_type or "Unhandled") if kind == "error" else None,
            logs="".join(invocation.logs),
            duration_ms=duration,
            init_duration_ms=cold_init,
            max_memory_mb=self.max_memory_mb(),
        )

    def max_memory_mb(self) -> int:
        """REPORT's Max Memory Used: the kernel's high-water mark, read at most every PEAK_EVERY seconds
        (reading it costs more than a warm hello-world invocation), and the samples taken since."""
        now = time.monotonic()
        if self.process is not None and now - self._peak_read >= PEAK_EVERY:
            self._peak_read = now
            self.peak_mb = max(self.peak_mb, peak_mb(self.process.pid))
        return self.peak_mb

    def _failure(self, invocation: Invocation, error_type: str, message: str) -> Outcome:
        return self._outcome(invocation, "error", error_body(invocation.request_id, error_type, message), error_type)

    # -- process watching -----------------------------------------------------------------------

    async def _read_output(self) -> None:
        """The function's output, line by line: a line of any length is logged (in pieces of at most
        MAX_LINE, as CloudWatch splits events) and never stops the reader, so output cannot block
        the function."""
        assert self.process is not None
        stdout = self.process.stdout
        assert stdout is not None
        pending = b""
        while True:
            chunk = await stdout.read(READ_SIZE)
            if not chunk:
                if pending:
                    self._line(pending)
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for whole in lines:
                for start in range(0, max(len(whole), 1), MAX_LINE):
                    self._line(whole[start : start + MAX_LINE])
            while len(pending) > MAX_LINE:
                self._line(pending[:MAX_LINE])
                pending = pending[MAX_LINE:]

    def _line(self, line: bytes) -> None:
        text = line.decode("utf-8", "replace")
        current = self.current
        if text.endswith(OUTPUT_END):  # our bootstrap: everything the invocation printed is in
            text = text[: -len(OUTPUT_END)]
            if text:
                self._line(text.encode())
            if current is not None:
                current.output_done = True
                if current.output_waiter is not None and not current.output_waiter.done():
                    current.output_waiter.set_result(None)
            return
        if current is not None:
            current.logs.append(text + "\n")
        self.on_output(self.function.name, text, current.request_id if current is not None else None)

    async def _watch_exit(self) -> None:
        assert self.process is not None
        code = await self.process.wait()
        if self.killed_for == "memory":
            reason = "signal: killed"
        elif code < 0:  # glibc's names, lower-cased, are the ones Lambda's Go runtime prints
            reason = f"signal: {(signal.strsignal(-code) or f'signal {-code}').lower()}"
        else:
            reason = f"exit status {code}"
        self.exit_reason = reason
        await asyncio.sleep(0.02)  # let the output reader flush the last lines
        # the invocation running, or the one a cold start was serving when init died
        invocation = self.current if self.current is not None else None if self.initialised else self._cold_invocation
        if invocation is None or invocation.future is None or invocation.future.done():
            return
        if self.init_error is not None and not self.initialised:
            invocation.future.set_result(("error", self._init_error_body(invocation), "Runtime.InitError"))
        else:
            message = f"Runtime exited with error: {reason}"
            invocation.future.set_result(
                ("error", error_body(invocation.request_id, "Runtime.ExitError", message), "Runtime.ExitError")
            )

    def _init_error_body(self, invocation: Invocation) -> bytes:
        """The invocation's error when init failed: the runtime's report of the import error."""
        try:
            detail = json.loads(self.init_error or b"{}")
        except json.JSONDecodeError:
            detail = {}
        return json.dumps(
            {
                "errorMessage": detail.get("errorMessage", "Init failed"),
                "errorType": "Runtime.InitError" if not detail.get("errorType") else detail["errorType"],
                "requestId": "",  # init ran before any request: python3.13 on AWS reports "" (recorded)
                "stackTrace": detail.get("stackTrace", []),
            }
        ).encode()

    async def _watch_memory(self) -> None:
        assert self.process is not None
        limit = self.function.memory_size
        while self.process.returncode is None:
            if not self.running.is_set():  # frozen between invocations, as on Lambda: nothing to watch
                await self.running.wait()
                continue
            current = tree_resident_mb(self.process.pid)
            self.peak_mb = max(self.peak_mb, current)
            if current > limit:
                self.killed_for = "memory"
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)  # the whole environment, children too
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                return
            await asyncio.sleep(0.02)

    async def kill(self, why: str = "") -> None:
        """Stop the process (SIGKILL: Lambda gives a timed-out sandbox no grace) and the Runtime API."""
        self.killed_for = self.killed_for or why
        self.exit_reason = self.exit_reason or why or "killed"
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.process.wait(), 5)
        for task in [*self._tasks, *([self.asking] if self.asking is not None else [])]:
            task.cancel()  # a parked `next` too: left pending, it is destroyed later with a warning
        if self.server is not None:
            self.server.close()
        if self.unix_server is not None:
            self.unix_server.close()
            if self.unix_address is not None and not self.unix_address.startswith("@"):
                shutil.rmtree(Path(self.unix_address).parent, ignore_errors=True)
        if self.tmp is not None:  # the environment's /tmp goes with it, as on Lambda
            shutil.rmtree(self.tmp, ignore_errors=True)
