"""What the OS says of a process and its tree (Linux's ``/proc``; empty answers elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024) if hasattr(os, "sysconf") else 4 / 1024

Tree = dict[int, int]  # pid -> its start time (clock ticks after boot)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (``/proc/PID/task/TID/children``; [] where unavailable)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as file:
                found.extend(int(k) for k in file.read().split())
        except (OSError, ValueError):
            continue
    return found


def descendants(pid: int) -> list[int]:
    """The processes under ``pid``, children first."""
    found: list[int] = []
    stack = [pid]
    while stack:
        kids = children(stack.pop())
        found.extend(kids)
        stack.extend(kids)
    return found


def start_time(pid: int) -> int | None:
    """When ``pid`` started (``/proc/PID/stat`` field 22), or None when it is gone, a zombie or unreadable."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            fields = file.read().rsplit(b")", 1)[1].split()  # (state, ppid, ...) after the command name
    except (OSError, IndexError):
        return None
    if fields[0] == b"Z":
        return None
    return int(fields[19])


def tree(pid: int) -> Tree:
    """``pid`` and every live process under it, with their start times (a pid alone can be reused)."""
    found = {}
    for member in (pid, *descendants(pid)):
        started = start_time(member)
        if started is not None:
            found[member] = started
    return found


def resident_mb(pid: int) -> int:
    """The process's resident memory now, in MB (/proc/PID/statm: one short line; 0 where unavailable)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as file:
            return int(int(file.read().split()[1]) * PAGE_MB)
    except (OSError, IndexError, ValueError):
        return 0


def tree_resident_mb(pid: int) -> int:
    """The resident memory of ``pid`` and every process under it, in MB: ``MemorySize`` covers the
    whole environment, as on Lambda, not only its first process."""
    return resident_mb(pid) + sum(resident_mb(child) for child in descendants(pid))


class TreeMemory:
    """:func:`tree_resident_mb` of one process, read often (a running environment's, every few ms):
    its ``/proc/PID/stat`` (resident pages and thread count) and its main thread's ``children`` stay
    open and are re-read in place, a system call each, where opening and reading them anew costs
    six. Only a process with several threads (any of which may have started a child) has its
    ``task`` folder listed. Opening raises OSError (a process gone, no ``/proc``)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.stat = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
        try:
            self.children = os.open(f"/proc/{pid}/task/{pid}/children", os.O_RDONLY)
        except OSError:
            os.close(self.stat)
            raise

    def resident_mb(self) -> int:
        """MB resident in the process and its descendants now (0 once it is gone)."""
        try:
            fields = os.pread(self.stat, 4096, 0).rsplit(b")", 1)[1].split()  # (state, ppid, ...)
            pages, threads = int(fields[21]), int(fields[17])  # fields 24 (rss) and 20 (num_threads)
            kids = os.pread(self.children, 65536, 0).split() if threads == 1 else children(self.pid)
        except (OSError, IndexError, ValueError):
            return 0
        total = int(pages * PAGE_MB)
        for kid in kids:
            total += tree_resident_mb(int(kid))
        return total

    def close(self) -> None:
        os.close(self.stat)
        os.close(self.children)


def peak_mb(pid: int) -> int:
    """The most memory the process has held, in MB (VmHWM; Lambda's "Max Memory Used")."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0
