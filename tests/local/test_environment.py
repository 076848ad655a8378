"""One execution environment driven directly: a real process on its Runtime API, then killed."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from lambdaworks.local.environment import Environment
from lambdaworks.local.invocation import Invocation
from lambdaworks.local.launch import LANE_VARIABLE
from lambdaworks.local.runtime_api import RuntimeApi
from lambdaworks.local.scheduling import ENVIRONMENT_NICENESS
from lambdaworks.project import load_project
from tests.local.conftest import PROJECT


def test_a_killed_environment_leaves_no_request_waiting_on_its_runtime_api() -> None:
    function = load_project(PROJECT).functions["Echo"]

    async def run() -> list[str]:
        environment = Environment(function, lambda name, text, request_id: None)
        await environment.start()
        outcome = await environment.invoke(Invocation(payload=b'{"n": 1}'))
        assert outcome.error_type is None
        await asyncio.sleep(0.05)  # the runtime's next `GET /next` is parked, waiting for work
        await environment.kill("retired")
        for _ in range(5):
            await asyncio.sleep(0)
        current = asyncio.current_task()
        return [repr(task.get_coro()) for task in asyncio.all_tasks() if task is not current]

    assert asyncio.run(run()) == []  # a parked `next` left pending is destroyed later, with a warning


def test_an_invocation_handed_to_a_runtime_api_client_is_watched_before_it_asks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The memory watcher stops for an environment it finds idle. Through the Runtime API the
    invocation waits in a queue until the runtime's ``next`` takes it; a watcher firing in between
    once found it idle, and that invocation ran unwatched (a child over MemorySize ran on to its
    timeout). Handing it over is what makes it running."""
    monkeypatch.setenv(LANE_VARIABLE, "0")
    function = load_project(PROJECT).functions["Hungry"]

    async def run() -> bool:
        api = RuntimeApi(function)
        await api.open()
        try:
            api._initialised()  # init is over and the previous invocation ended: nothing runs
            assert not api.running
            api.dispatch(Invocation(payload=b"{}"))  # no `next` has asked for it yet
            return api.running
        finally:
            api.close()

    assert asyncio.run(run())


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX process groups and priorities")
def test_an_environment_runs_in_a_group_of_its_own_in_our_session_below_our_priority() -> None:
    """Its own process group (``killpg`` ends the function's children; Ctrl-C at the terminal reaches
    only the emulator), the emulator's session (Linux's autogroup would otherwise weigh it as much as
    the gateway, whatever its niceness), and ENVIRONMENT_NICENESS below the emulator's priority, a
    batch process where Linux has them (a woken environment does not preempt the gateway)."""
    function = load_project(PROJECT).functions["Echo"]

    async def run() -> tuple[int, dict[str, int]]:
        environment = Environment(function, lambda name, text, request_id: None)
        await environment.start()
        try:
            outcome = await environment.invoke(Invocation(payload=b"{}"))
            pid = int(json.loads(json.loads(outcome.payload)["body"])["pid"])
            seen = {
                "group": os.getpgid(pid),
                "session": os.getsid(pid),
                "priority": os.getpriority(os.PRIO_PROCESS, pid),
                "policy": os.sched_getscheduler(pid) if hasattr(os, "sched_getscheduler") else -1,
            }
            return pid, seen
        finally:
            await environment.kill("retired")

    pid, seen = asyncio.run(run())
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    batch = os.SCHED_BATCH if hasattr(os, "SCHED_BATCH") else -1  # Linux's; elsewhere no policy is set
    assert seen == {
        "group": pid,
        "session": os.getsid(0),
        "priority": min(ours + ENVIRONMENT_NICENESS, 19),
        "policy": batch,
    }
