"""What the emulator reads of an environment's processes in /proc, with real processes."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from lambdaworks.local.processes import TreeMemory, descendants, tree_resident_mb

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")

#: A parent that starts a child holding 80 MB, from its main thread or from a second thread, then
#: says so and waits.
FAMILY = """
import subprocess, sys, threading, time
HOLD = "b = bytearray(80 * 1024 * 1024); import time; time.sleep(60)"
def start():
    global child
    child = subprocess.Popen([sys.executable, "-c", HOLD])
if sys.argv[1] == "thread":
    threading.Thread(target=start).start()
    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()  # the parent stays multi-threaded
else:
    start()
time.sleep(1.0)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture(params=["main", "thread"])
def family(request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    parent = subprocess.Popen([sys.executable, "-c", FAMILY, request.param], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline() == "ready\n"
        yield parent
    finally:
        for pid in descendants(parent.pid):
            subprocess.run(["kill", "-9", str(pid)], check=False)
        parent.kill()
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()


def test_tree_memory_counts_children_started_from_any_thread(family: subprocess.Popen[str]) -> None:
    """An environment's MemorySize covers its children; a child started from a second thread is
    listed under that thread, not the main one, and is counted too."""
    memory = TreeMemory(family.pid)
    try:
        deadline = time.monotonic() + 10
        while (seen := memory.resident_mb()) < 80 and time.monotonic() < deadline:
            time.sleep(0.05)  # the child's bytearray being touched
        assert seen >= 80
        assert abs(seen - tree_resident_mb(family.pid)) <= 2  # the same reading as the one-off walk
        family.kill()
        family.wait()
        assert memory.resident_mb() == 0  # a process gone reads as nothing, not as another's memory
    finally:
        memory.close()


def test_tree_memory_of_a_process_already_gone_cannot_be_opened() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with pytest.raises(FileNotFoundError):
        TreeMemory(gone.pid)
