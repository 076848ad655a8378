"""One execution environment's supervisor: the OS process running a Runtime API client, its
output, its memory, its exit, and the invocations it runs one at a time through its own
:class:`~lambdaworks.local.runtime_api.RuntimeApi`. On timeout, memory overrun or crash the process
is killed and the invocation gets AWS's error shape; the pool replaces the environment. What the
process's environment variables hold is :mod:`~lambdaworks.local.variables`' job, the invocation
records :mod:`~lambdaworks.local.invocation`'s, its output's :mod:`~lambdaworks.local.output`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

from lambdaworks.local.child import Child
from lambdaworks.local.debuggee import DEBUG_LIMIT
from lambdaworks.local.debugging import is_debugged
from lambdaworks.local.invocation import (
    INIT_TIMEOUT,
    Invocation,
    Outcome,
    error_body,
)
from lambdaworks.local.launch import Launched, launch
from lambdaworks.local.output import Lines, Pipe
from lambdaworks.local.processes import TreeMemory, peak_mb
from lambdaworks.local.runtime_api import RuntimeApi
from lambdaworks.local.variables import DEFAULT_HOST, HostVariables
from lambdaworks.project.model import Function

PEAK_EVERY = 0.25  # seconds between readings of the kernel's high-water mark for REPORT
MEMORY_EVERY = 0.02  # seconds between readings of a running environment's memory
CLOCK_SLACK = 0.001  # how early the loop may run a timer (uvloop counts in milliseconds)


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
        self.process: Child | None = None
        self.debugged = is_debugged(function)  # dev --debug: debugpy's entry, no init timeout
        self.api = RuntimeApi(function)  # what the process talks to: its invocations come and go there
        self.exit_reason: str | None = None
        self.killed_for: str | None = None
        self.peak_mb = 0
        self._peak_read = 0.0
        self.init_reported = False  # Init Duration goes on the first REPORT only
        self._cold_invocation: Invocation | None = None  # the one waiting for init to finish
        self._tasks: list[asyncio.Task[Any]] = []
        self.tmp: str | None = None  # the environment's TMPDIR
        self.pipe: Pipe | None = None  # its stdout and stderr
        self.lane_lines = Lines(self._line)  # what our bootstrap's sys.stdout/sys.stderr write, on the lane
        self.api.on_output = self.lane_lines.feed
        self._memory_timer: asyncio.TimerHandle | None = None
        # The invocation whose time runs (from begin to conclude), when it runs out (loop time), and the
        # one timer that checks: re-armed when it finds a later deadline, not made per invocation.
        self._timed: Invocation | None = None
        self._deadline = 0.0
        self._clock: asyncio.TimerHandle | None = None
        self.memory: TreeMemory | None = None  # its processes' memory (Linux's /proc)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None and self.exit_reason is None

    async def start(self, launched: Launched | None = None) -> None:
        """Start the process (init runs from now) and serve its Runtime API; or adopt ``launched``,
        started before the emulator's loop ran (:mod:`.headstart`)."""
        if launched is None:
            launched = launch(self.function, self.host)
        self.api.init_started = launched.started
        self.tmp = launched.tmp
        try:
            await self.api.open(launched.sockets)
        except BaseException:
            self.api.close()
            launched.abandon()
            raise
        launched.adopted = True
        loop = asyncio.get_running_loop()
        self.process = Child(launched.process, loop)
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError):  # gone already: its exit is watched below
                self.memory = TreeMemory(self.process.pid)
        self.pipe = Pipe(launched.output, Lines(self._line))
        self.pipe.start(loop)
        self._tasks = [asyncio.create_task(self._watch_exit())]
        self._watch_memory()

    @property
    def init_limit(self) -> float:
        """How long init may take: INIT_TIMEOUT, lifted under a debugger."""
        return DEBUG_LIMIT if self.debugged else INIT_TIMEOUT

    async def initialised(self) -> bool:
        """Wait for init to end (as long as an invocation would); whether it succeeded."""
        assert self.api.ready is not None
        done = self.api.ready
        exited = asyncio.ensure_future(self.process.wait()) if self.process is not None else None
        waiting: set[asyncio.Future[Any]] = {done} if exited is None else {done, exited}
        await asyncio.wait(waiting, timeout=self.init_limit, return_when="FIRST_COMPLETED")
        if exited is not None and not exited.done():
            exited.cancel()
        return done.done()

    def waiting_for_init(self) -> asyncio.Future[Any] | None:
        """The result to come of an invocation that waited for this environment's init, if one did."""
        waiting = self._cold_invocation
        if waiting is None or waiting.future is None or waiting.future.done():
            return None
        return waiting.future

    # -- invocations ----------------------------------------------------------------------------

    async def invoke(self, invocation: Invocation) -> Outcome:
        """Run one invocation here; never raises for function failures."""
        assert self.api.ready is not None
        invocation.future = self.api.ready.get_loop().create_future()  # get_running_loop() calls getpid()
        cold = not self.api.initialised
        if cold:
            self._cold_invocation = invocation
            waiting: set[asyncio.Future[Any]] = {self.api.ready, invocation.future}
            done, _ = await asyncio.wait(waiting, timeout=self.init_limit, return_when=asyncio.FIRST_COMPLETED)
            if not done:
                await self.kill("init timeout")
                return self._failure(
                    invocation, "Runtime.InitTimeout", f"Init timed out after {INIT_TIMEOUT:.2f} seconds"
                )
            if invocation.future.done():  # the process died (or reported an init error) before asking for work
                return self._outcome(invocation, *invocation.future.result())
        self.begin(invocation)
        try:
            result = await invocation.future
        finally:
            self._untime(invocation)
        self.end_output()  # what the function wrote before its result is logged before END, as on Lambda
        return await self.finish(invocation, *result)

    def begin(self, invocation: Invocation) -> asyncio.Future[tuple[str, bytes, str]]:
        """Hand ``invocation`` to the initialised process, with its timeout set: the future of its
        (kind, body, error type), kind "timeout" once its time is up."""
        assert self.api.ready is not None
        loop = self.api.ready.get_loop()  # asyncio.get_running_loop() makes a getpid() system call
        if invocation.future is None:
            invocation.future = loop.create_future()
        future = invocation.future
        self.api.dispatch(invocation)
        if self._memory_timer is None:  # a timer, not a task: nothing wakes per invocation
            self._memory_timer = loop.call_later(MEMORY_EVERY, self._watch_memory)
        self._timed, self._deadline = invocation, loop.time() + self.function.timeout + 0.05
        if self._clock is None:
            self._clock = loop.call_at(self._deadline, self._time_up)
        return future

    def _time_up(self) -> None:
        """The clock rang: end the invocation whose time has run out, or wait for the one running now."""
        self._clock = None
        invocation = self._timed
        if invocation is None or invocation.future is None:
            return
        loop = invocation.future.get_loop()
        if self._deadline - loop.time() > CLOCK_SLACK:  # a later invocation's deadline
            self._clock = loop.call_at(self._deadline, self._time_up)
        elif not invocation.future.done():
            invocation.future.set_result(("timeout", b"", ""))

    def _untime(self, invocation: Invocation) -> None:
        if self._timed is invocation:
            self._timed = None

    def conclude(self, invocation: Invocation, kind: str, body: bytes, error_type: str) -> Outcome | None:
        """The outcome of an invocation that ended; None for one whose time ran out, which :meth:`finish`
        ends. (An invocation that keeps its logs, ``tail``, has all of them: :meth:`end_output` came first.)"""
        self._untime(invocation)
        if invocation.tail:
            self.api.current = None
        if kind == "timeout":
            return None
        return self._outcome(invocation, kind, body, error_type)

    async def finish(self, invocation: Invocation, kind: str, body: bytes, error_type: str) -> Outcome:
        """:meth:`conclude`, and for a timed-out invocation the process killed and Lambda's error."""
        outcome = self.conclude(invocation, kind, body, error_type)
        if outcome is not None:
            return outcome
        await self.kill("timeout")
        message = f"Task timed out after {self.function.timeout:.2f} seconds"
        return self._failure(invocation, "Sandbox.Timedout", message)

    def _outcome(self, invocation: Invocation, kind: str, body: bytes, error_type: str) -> Outcome:
        duration = (time.perf_counter() - invocation.started) * 1000 if invocation.started else 0.0
        cold_init = None
        if invocation.started and not self.init_reported:
            self.init_reported = True
            cold_init = self.api.init_duration_ms
        return Outcome(
            request_id=invocation.request_id,
            payload=body,
            error_type=(error_type or "Unhandled") if kind == "error" else None,
            logs="".join(invocation.logs) if invocation.tail else "",  # only LogType=Tail returns them
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

    def end_output(self) -> None:
        """Log everything the process has written so far: what its pipe holds (it wrote that before
        its result was sent) and the lines in progress."""
        if self.pipe is not None:
            self.pipe.drain()
            self.pipe.lines.end()
        self.lane_lines.end()

    def _line(self, line: bytes) -> None:
        text = line.decode("utf-8", "replace")
        current = self.api.current
        if current is not None:
            if current.tail:  # kept for the Invoke API's LogType=Tail
                current.logs.append(text + "\n")
            self.on_output(self.function.name, text, current.request_id)
        else:
            self.on_output(self.function.name, text, None)

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
        self.end_output()  # its last lines
        # the invocation running, or the one a cold start was serving when init died
        invocation = (
            self.api.current
            if self.api.current is not None
            else None
            if self.api.initialised
            else self._cold_invocation
        )
        if invocation is None or invocation.future is None or invocation.future.done():
            return
        if self.api.init_error is not None and not self.api.initialised:
            invocation.future.set_result(("error", self._init_error_body(invocation), "Runtime.InitError"))
        else:
            message = f"Runtime exited with error: {reason}"
            invocation.future.set_result(
                ("error", error_body(invocation.request_id, "Runtime.ExitError", message), "Runtime.ExitError")
            )

    def _init_error_body(self, invocation: Invocation) -> bytes:
        """The invocation's error when init failed: the runtime's report of the import error."""
        try:
            detail = json.loads(self.api.init_error or b"{}")
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

    def _watch_memory(self) -> None:
        """Kill the environment when its processes' memory goes over the function's MemorySize: read
        every MEMORY_EVERY seconds while it initialises or runs an invocation (frozen between
        invocations, as on Lambda: nothing to watch, and no timer runs)."""
        self._memory_timer = None
        process, memory = self.process, self.memory
        if process is None or process.returncode is not None or memory is None:
            return
        if not self.api.running:
            return  # the next invocation sets the timer again
        current = memory.resident_mb()
        self.peak_mb = max(self.peak_mb, current)
        if current > self.function.memory_size:
            self.killed_for = "memory"
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the whole environment, children too
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            return
        loop = self.api.ready.get_loop() if self.api.ready is not None else asyncio.get_running_loop()
        self._memory_timer = loop.call_later(MEMORY_EVERY, self._watch_memory)

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
        for task in self._tasks:
            task.cancel()
        if self._memory_timer is not None:
            self._memory_timer.cancel()
            self._memory_timer = None
        if self._clock is not None:
            self._clock.cancel()
            self._clock = None
        if self.pipe is not None:
            self.pipe.drain()
            self.pipe.close()
        if self.memory is not None:
            self.memory.close()
            self.memory = None
        self.api.close()
        if self.tmp is not None:  # the environment's /tmp goes with it, as on Lambda
            shutil.rmtree(self.tmp, ignore_errors=True)
