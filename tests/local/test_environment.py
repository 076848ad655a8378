"""One execution environment driven directly: a real process on its Runtime API, then killed."""

from __future__ import annotations

import asyncio

from lambdaworks.local.environment import Environment
from lambdaworks.local.invocation import Invocation
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
