"""The head start: an environment started before the emulator's loop runs, then adopted, with
real processes."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from lambdaworks.local.headstart import head_start, http_functions
from lambdaworks.local.invoker import Invoker
from lambdaworks.local.live import LiveProject
from lambdaworks.local.logs import Logs
from lambdaworks.local.variables import DEFAULT_HOST, local_variables
from lambdaworks.project import load_project
from tests.local.conftest import PROJECT


def test_the_head_start_is_the_first_routed_function_and_the_prewarm_adopts_it() -> None:
    project = load_project(PROJECT)
    host = local_variables(project, DEFAULT_HOST)
    launched = head_start(project, host)
    assert launched is not None
    assert launched.function == http_functions(project)[0] == "Echo"  # the first route's
    invoker = Invoker(LiveProject(project), Logs(io.StringIO()), host)

    async def run() -> tuple[int, int, float | None]:
        try:
            await invoker.prewarm(["Echo"], launched)
            outcome = await invoker.invoke("Echo", b"{}")
            assert outcome.error_type is None
            return (
                invoker.pools["Echo"].size,
                json.loads(json.loads(outcome.payload)["body"])["pid"],
                outcome.init_duration_ms,
            )
        finally:
            await invoker.close()

    size, pid, init_ms = asyncio.run(run())
    assert (size, pid) == (1, launched.process.pid)  # the process started ahead ran it: no other started
    assert init_ms is not None  # counted from the head start, as from any process start
    assert init_ms > 0
    assert launched.process.returncode is not None  # and it ended with the invoker


def test_an_unadopted_head_start_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    project = load_project(PROJECT)
    launched = head_start(project, local_variables(project, DEFAULT_HOST))
    assert launched is not None
    assert Path(launched.tmp).parent == tmp_path
    launched.abandon()
    launched.abandon()  # once is enough; twice is harmless
    assert launched.process.returncode is not None
    assert list(tmp_path.iterdir()) == []
