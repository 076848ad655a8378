"""A function's pool of environments (and the invoker's prewarm over pools) driven directly, with
real processes: what prewarming does when an invocation comes at the same time."""

from __future__ import annotations

import asyncio
import io
import time

from lambdaworks.local.invocation import Invocation
from lambdaworks.local.invoker import Invoker
from lambdaworks.local.live import LiveProject
from lambdaworks.local.logs import Logs
from lambdaworks.local.pool import FunctionPool
from lambdaworks.project import load_project
from tests.local.conftest import PROJECT


def pool_of(name: str) -> FunctionPool:
    return FunctionPool(load_project(PROJECT).functions[name], lambda function, text, request_id: None)


def test_an_invocation_during_a_prewarm_takes_the_prewarmed_environment() -> None:
    """It waits for the process being started rather than starting a second one (with a
    concurrency of one, it was throttled instead)."""
    pool = pool_of("Echo")

    async def run() -> tuple[int, str | None]:
        prewarm = asyncio.create_task(pool.prewarm(first=True))
        await asyncio.sleep(0)  # the prewarm has begun: its process is starting
        try:
            outcome = await pool.invoke(Invocation(payload=b'{"n": 1}'))
            await prewarm
            return pool.size, outcome.error_type
        finally:
            await pool.close()

    assert asyncio.run(run()) == (1, None)


def test_a_prewarm_at_start_is_skipped_when_an_invocation_came_first() -> None:
    """Two idle environments where one was asked for: the next invocation may take either, and a
    warm environment seemed replaced."""
    pool = pool_of("Echo")

    async def run() -> int:
        try:
            outcome = await pool.invoke(Invocation(payload=b'{"n": 1}'))
            assert outcome.error_type is None
            assert await pool.prewarm(first=True) is None
            return pool.size
        finally:
            await pool.close()

    assert asyncio.run(run()) == 1


def test_a_request_that_waited_for_the_first_prewarm_is_answered_before_the_next_process_starts() -> None:
    """Starting a process holds the loop for milliseconds; the first request of a fresh emulator
    should not wait for the second function's (it waited for its own function's init already)."""
    project = load_project(PROJECT)
    invoker = Invoker(LiveProject(project), Logs(io.StringIO()))

    async def run() -> tuple[float, float]:
        prewarm = asyncio.create_task(invoker.prewarm(["Sleepy", "Echo"]))
        try:
            while "Sleepy" not in invoker.pools or not invoker.pools["Sleepy"].size:
                await asyncio.sleep(0.001)  # Sleepy's process is starting: the request waits for its init
            outcome = await invoker.invoke("Sleepy", b'{"seconds": 0.3}')
            answered = time.perf_counter()
            assert outcome.error_type is None
            await prewarm
            (echo,) = invoker.pools["Echo"].idle
            return answered, echo.api.init_started
        finally:
            await invoker.close()

    answered, next_started = asyncio.run(run())
    assert next_started >= answered
