"""Invokes functions through their pools and writes Lambda's START / END / REPORT log lines."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from lambdaworks.local.debugging import is_debugged
from lambdaworks.local.environment import Environment
from lambdaworks.local.headstart import startable
from lambdaworks.local.invocation import INIT_TIMEOUT, Invocation, Outcome, error_body
from lambdaworks.local.launch import Launched
from lambdaworks.local.live import LiveProject
from lambdaworks.local.logs import Logs
from lambdaworks.local.pool import FunctionPool
from lambdaworks.local.variables import DEFAULT_HOST, HostVariables
from lambdaworks.project.model import Function, Project

T = TypeVar("T")

#: Lambda's invocation payload limits: synchronous (the gateway's requests too) and asynchronous.
SYNC_LIMIT = 6 * 1024 * 1024
ASYNC_LIMIT = 1024 * 1024
#: How long a synchronous front (gateway, authorizer, function URL) waits for a free environment.
QUEUE_WAIT = 10.0
#: How long the next prewarm waits for the answer to a request that waited for the last one's init.
PREWARM_PATIENCE = 1.0
#: The error type of an invocation of a function the emulator cannot run (its image or runtime).
UNSUPPORTED = "LocalEmulator.Unsupported"


class Invoker:
    """The entry point the gateway and the Invoke API share."""

    def __init__(
        self, live: LiveProject | Project, logs: Logs | None = None, host: HostVariables = DEFAULT_HOST
    ) -> None:
        self.live = live if isinstance(live, LiveProject) else LiveProject(live)
        self.logs = logs or Logs()
        self.host = host  # which of the shell's variables reach the functions
        self.pools: dict[str, FunctionPool] = {}
        self.background: set[asyncio.Future[Any]] = set()

    @property
    def project(self) -> Project:
        return self.live.current

    def pool(self, name: str) -> FunctionPool:
        pool = self.pools.get(name)
        if pool is None:
            function = self.project.functions[name]
            pool = self.pools[name] = FunctionPool(function, self._output, self.host)
        return pool

    def _output(self, function: str, text: str, request_id: str | None) -> None:
        if request_id is None:
            self.logs.line(function, text)
        else:  # --log-file's JSON lines name the invocation a line belongs to
            self.logs.line(function, text, request_id=request_id)

    async def invoke(
        self,
        name: str,
        payload: bytes,
        *,
        wait: float = 0.0,
        client_context: str | None = None,
        request_id: str | None = None,
        tail: bool = False,
    ) -> Outcome:
        """Run ``payload`` on function ``name``; raises ``Throttled``; function errors are outcomes."""
        invocation = Invocation(payload=payload, client_context=client_context, tail=tail)
        if request_id is not None:  # an async event keeps its request id across retries, as on AWS
            invocation.request_id = request_id
        function = self.project.functions[name]
        if function.unsupported:
            return self.refuse(name, invocation.request_id, function.unsupported)
        start = self._started(name, invocation)
        outcome = await self.pool(name).invoke(invocation, wait)
        end, report = self._ended(function, invocation, outcome)
        if tail:  # the Invoke API's LogType=Tail: the invocation's whole log, Lambda's lines too
            outcome.logs = f"{start}\n{outcome.logs}{end}\n{report}\n"
        return outcome

    def _started(self, name: str, invocation: Invocation) -> str:
        """Log Lambda's START line for ``invocation``, and return it."""
        start = f"START RequestId: {invocation.request_id} Version: $LATEST"
        self.logs.line(name, start, request_id=invocation.request_id)
        return start

    def _ended(self, function: Function, invocation: Invocation, outcome: Outcome) -> tuple[str, str]:
        """Log how ``invocation`` of ``function`` (as it was when the invocation started: a reload may
        have changed it since) ended, a timeout's or a crash's message, and Lambda's END and REPORT
        lines; return those two."""
        name, request_id = function.name, invocation.request_id
        if outcome.error_type in ("Sandbox.Timedout", "Runtime.ExitError"):
            self.logs.line(name, json.loads(outcome.payload)["errorMessage"])
        duration = outcome.duration_ms
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
            f"Billed Duration: {math.ceil(duration)} ms\tMemory Size: {function.memory_size} MB\t"
            f"Max Memory Used: {outcome.max_memory_mb} MB\t"  # AWS's REPORT line ends with a tab
        )
        if outcome.init_duration_ms is not None:
            report += f"Init Duration: {outcome.init_duration_ms:.2f} ms\t"
        end = f"END RequestId: {request_id}"
        self.logs.line(name, end, request_id=request_id)
        self.logs.line(name, report, request_id=request_id, duration_ms=round(duration, 3))
        return end, report

    def invoke_within(self, name: str, payload: bytes, limit: float, *, wait: float = 0.0) -> Awaitable[Outcome]:
        """:meth:`invoke` for a caller that gives up after ``limit`` seconds (API Gateway's integration
        timeout): ``asyncio.TimeoutError`` then, while the function runs on, as on AWS, to its own
        end and REPORT. When the function's own limits (the wait for an environment, init and its
        timeout) end it first anyway, no timer is set, and the invocation itself is returned."""
        invocation = self.invoke(name, payload, wait=wait)
        function = self.project.functions[name]
        if is_debugged(function) or not _may_outlast(function, limit, wait):  # a paused breakpoint is no 504
            return invocation
        return asyncio.wait_for(asyncio.shield(self.keep(asyncio.ensure_future(invocation))), limit)

    def start_warm(
        self, name: str, payload: bytes, limit: float, wait: float, answer: Callable[[Outcome], None]
    ) -> bool:
        """Invoke ``name`` on an idle, initialised environment with no task and no await (the gateway's
        warm path): ``answer`` gets the outcome as soon as the result comes, and the output's last lines
        and END and REPORT are logged right after it. False, with nothing started, where :meth:`invoke_within`
        is needed (with ``limit`` and ``wait``, its arguments): no environment is warm, the function
        cannot run here or runs under a debugger, or it may outlast ``limit``."""
        function = self.project.functions[name]
        if function.unsupported or is_debugged(function) or _may_outlast(function, limit, wait):
            return False
        pool = self.pool(name)
        env = pool.take()
        if env is None:
            return False
        generation = pool.generation
        invocation = Invocation(payload=payload)
        self._started(name, invocation)

        def ended(future: asyncio.Future[tuple[str, bytes, str]]) -> None:
            if future.cancelled():  # the environment went with the emulator
                return
            result = future.result()
            outcome = env.conclude(invocation, *result)
            if outcome is None or not pool.give_back(env, generation):  # a kill, a release, a caller to wake
                ending = self._end_slowly(function, pool, env, generation, invocation, result, answer)
                self.keep(asyncio.ensure_future(ending))
                return
            answer(outcome)
            env.end_output()
            self._ended(function, invocation, outcome)

        env.begin(invocation).add_done_callback(ended)
        return True

    async def _end_slowly(
        self,
        function: Function,
        pool: FunctionPool,
        env: Environment,
        generation: int,
        invocation: Invocation,
        result: tuple[str, bytes, str],
        answer: Callable[[Outcome], None],
    ) -> None:
        """:meth:`start_warm`'s end when it needs an await: a timed-out process killed, the environment
        released."""
        env.end_output()
        try:
            outcome = await env.finish(invocation, *result)
        finally:
            await pool.release(env, generation)
        self._ended(function, invocation, outcome)
        answer(outcome)

    def refuse(self, name: str, request_id: str, reason: str) -> Outcome:
        """The outcome of a function the emulator cannot run: a function error saying why, logged."""
        message = f"{name} is not run locally: {reason}"
        self.logs.line(name, message)
        return Outcome(request_id, error_body(request_id, UNSUPPORTED, message), UNSUPPORTED, logs=message + "\n")

    def keep(self, task: asyncio.Future[T]) -> asyncio.Future[T]:
        """Hold ``task`` until it ends (the loop keeps only weak references), and cancel it on close."""
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    async def prewarm(self, names: list[str], head: Launched | None = None) -> None:
        """Start one environment of each function in ``names``, one after another (each init runs
        alone: the first function's is not slowed by the others'), skipping functions that cannot run
        here or run under a debugger. An init that fails is logged as at a cold start, and the first
        invocation starts afresh. ``head``: a process started already for one of them (adopted)."""
        try:
            for name in names:
                if not startable(self.project, name):
                    continue
                launched = head if head is not None and head.function == name else None
                env = await self.pool(name).prewarm(first=True, launched=launched)
                if env is not None and await env.initialised():
                    # a request that waited for this init is answered before the next process starts (a
                    # fork holds the loop for milliseconds), unless it runs long
                    answer = env.waiting_for_init()
                    if answer is not None:
                        await asyncio.wait({answer}, timeout=PREWARM_PATIENCE)
        finally:  # cancelled before its turn, or not among ``names``
            if head is not None:
                head.abandon()

    async def reload(self, functions: set[str]) -> None:
        """Retire the environments of ``functions`` after the live project changed (and close the pools of
        functions it no longer has)."""
        project = self.live.current
        for name in list(self.pools):
            if name not in project.functions:
                await self.pools.pop(name).close()
            elif name in functions:
                await self.pools[name].retire(project.functions[name])

    async def close(self) -> None:
        for task in list(self.background):
            task.cancel()
        for pool in self.pools.values():
            await pool.close()
        self.logs.flush()  # the last lines (shutdown, REPORTs) before the loop ends


def _may_outlast(function: Function, limit: float, wait: float) -> bool:
    """Whether an invocation of ``function`` (after up to ``wait`` seconds for an environment, and an
    init) may outlast a caller that gives up after ``limit`` seconds."""
    return wait + INIT_TIMEOUT + function.timeout >= limit
