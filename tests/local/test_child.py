"""How an environment's process is watched from the loop, with real processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from lambdaworks.local.child import Child


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "thread"])
def test_a_child_reports_its_exit_and_its_kill(pidfd: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not pidfd:
        monkeypatch.delattr(os, "pidfd_open", raising=False)  # as on macOS: a thread waits instead
    elif not hasattr(os, "pidfd_open"):
        pytest.skip("no pidfd here")

    async def run() -> tuple[int, int | None, int, int | None]:
        loop = asyncio.get_running_loop()
        quick = Child(subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"]), loop)
        slow = Child(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]), loop)
        waiting = asyncio.ensure_future(slow.wait())
        first = await asyncio.wait_for(quick.wait(), 10)
        assert slow.returncode is None
        slow.kill()
        second = await asyncio.wait_for(waiting, 10)
        return first, quick.returncode, second, slow.returncode

    assert asyncio.run(run()) == (3, 3, -signal.SIGKILL, -signal.SIGKILL)
