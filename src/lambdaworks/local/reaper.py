"""No process a function starts outlives the emulator.

On Lambda the whole sandbox goes when an environment does. Locally, a function that double-forks
and calls ``setsid`` leaves its own session, so ending the environment's process group misses it.
On Linux the emulator makes itself the *subreaper* of its descendants (``PR_SET_CHILD_SUBREAPER``):
an orphaned descendant becomes its child instead of init's, and :func:`end_adopted` ends those
children when the emulator stops (SIGTERM, a moment's grace, then SIGKILL, and reaps them).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

from lambdaworks.local.processes import children, start_time

PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> bool:
    """Become the subreaper of this process's descendants (False where the OS has no such thing)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        return bool(ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def end_adopted(grace: float = 0.5) -> list[int]:
    """End this process's remaining children (the orphans it adopted) and reap them; returns their pids."""
    pids = [pid for pid in children(os.getpid()) if start_time(pid) is not None]  # not the zombies
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if not _reaped(pid)]
        time.sleep(0.02)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return pids


def _reaped(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid
