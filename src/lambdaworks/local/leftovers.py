"""What an emulator killed with ``kill -9`` left running is ended by the next one on its state folder.

Environments die with their emulator (``PR_SET_PDEATHSIG``), but what they started does not: their
children and the daemons the emulator had adopted as their subreaper go to init. So, while it runs,
the emulator keeps a record of its process tree in the state folder (``processes/<its pid>.json``:
each pid with its start time, so a reused pid is never taken for ours). A clean stop ends that tree
itself and removes the record; the next ``dev`` on the same state finds a record only after a
crash, and ends what is still alive of it. Each emulator writes its own record, and one that is
still running (a second ``dev`` on the same state) is left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from pathlib import Path

from lambdaworks.local.processes import Tree, start_time, tree
from lambdaworks.project.layout import PROCESSES


class ProcessRecord:
    """The record of this emulator's process tree in a state folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / PROCESSES
        self.path = self.folder / f"{os.getpid()}.json"
        self.written: Tree = {}

    def refresh(self) -> None:
        """Write the tree as it is now (only when it changed since the last write)."""
        now = tree(os.getpid())
        if now == self.written:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps({"emulator": os.getpid(), "processes": now}))
        partial.replace(self.path)
        self.written = now

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def end_leftovers(folder: Path) -> list[int]:
    """End what dead emulators recorded in the state ``folder`` and is still alive; returns the pids
    ended. The record of an emulator that is still running is left alone."""
    ended = []
    for path in sorted((folder / PROCESSES).glob("*.json")):
        try:
            record = json.loads(path.read_text())
            emulator = int(record["emulator"])
            recorded = {int(pid): int(started) for pid, started in record["processes"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            recorded, emulator = {}, 0
        if emulator != os.getpid() and emulator and start_time(emulator) == recorded.get(emulator):
            continue  # that emulator still runs: its processes are its own
        for pid, started in recorded.items():
            if pid != os.getpid() and start_time(pid) == started:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
                    ended.append(pid)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return ended
