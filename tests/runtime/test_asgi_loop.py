"""How ASGI requests run on the runner's loop: as real tasks, with the loop's ordering, whether the
app finishes at once or waits for a timer, a thread or another task."""

from __future__ import annotations

import asyncio
import contextvars
import json
import sys
import threading
from typing import Any

import pytest

import lambdaworks
from lambdaworks.testing import LambdaClient

SEEN: contextvars.ContextVar[str] = contextvars.ContextVar("seen", default="unset")
STARTED: list[str] = []


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await receive()
    path = scope["path"]
    facts: dict[str, Any] = {"before": SEEN.get()}
    SEEN.set(path)  # must not leak into the next request: each runs in its own context
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    facts["task"] = task is not None and not task.done()
    facts["loop_id"] = id(loop)
    if path == "/timer":
        await asyncio.sleep(0.01)
    elif path == "/thread":
        facts["thread"] = await loop.run_in_executor(None, lambda: threading.current_thread().name)
    elif path == "/subtask":
        facts["subtask"] = await asyncio.create_task(asyncio.sleep(0, result="done"))
    elif path == "/background":
        asyncio.get_running_loop().create_task(_started("background"))  # fire and forget
    elif path == "/agen":
        facts["agen"] = [item async for item in _countdown(3)]
    elif path == "/raise":
        raise ValueError("the app failed")
    body = json.dumps(facts).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


async def _started(name: str) -> None:
    STARTED.append(name)


async def _countdown(n: int) -> Any:
    while n:
        yield n
        n -= 1
        await asyncio.sleep(0)


@pytest.fixture(scope="module")
def client() -> LambdaClient:
    return LambdaClient(lambdaworks.handler(app, lifespan="off"), source="http-v2")


@pytest.mark.parametrize("path", ["/now", "/timer", "/thread", "/subtask", "/agen"])
def test_each_request_is_a_task_on_the_runners_loop_with_its_own_context(client: LambdaClient, path: str) -> None:
    first, second = client.get(path).json(), client.get(path).json()
    assert first["task"] is second["task"] is True
    assert first["loop_id"] == second["loop_id"]  # one loop for the life of the process
    assert first["before"] == second["before"] == "unset"
    if path == "/thread":
        assert first["thread"] != threading.main_thread().name
    if path == "/subtask":
        assert first["subtask"] == "done"
    if path == "/agen":
        assert first["agen"] == [3, 2, 1]


def test_a_task_the_app_starts_gets_its_first_step_before_the_answer(client: LambdaClient) -> None:
    STARTED.clear()
    assert client.get("/background").status == 200
    assert STARTED == ["background"]


def test_after_a_request_no_loop_is_left_running_and_the_hooks_are_restored(client: LambdaClient) -> None:
    hooks = sys.get_asyncgen_hooks()
    client.get("/now")
    client.get("/timer")
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    assert sys.get_asyncgen_hooks() == hooks


def test_an_exception_is_a_500_and_the_next_request_is_served(client: LambdaClient) -> None:
    assert client.get("/raise").status == 500
    assert client.get("/now").json()["task"] is True


def test_inside_another_running_loop_it_still_answers_or_fails_cleanly(client: LambdaClient) -> None:
    async def from_a_coroutine() -> int:
        return client.get("/now").status

    # the runner's loop cannot run inside another: the app's call fails and the handler answers 500
    assert asyncio.run(from_a_coroutine()) == 500
    assert client.get("/now").status == 200
