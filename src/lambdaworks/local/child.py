"""A process started with :mod:`subprocess`, watched from the event loop: what an environment
needs of ``asyncio.subprocess.Process`` (``pid``, ``returncode``, ``wait``, ``kill``).

Its exit is seen through a pidfd on Linux (readable when the process ends), elsewhere by a thread
waiting on it, as asyncio's own ThreadedChildWatcher does. Only this object reaps the process:
uvloop reaps the children it started itself, and none else.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import threading


class Child:
    """The process ``popen`` runs, its exit a future on ``loop``."""

    def __init__(self, popen: subprocess.Popen[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self.popen = popen
        self.pid = popen.pid
        self.returncode: int | None = None
        self.loop = loop
        self._exited: asyncio.Future[int] = loop.create_future()
        self._pidfd: int | None = None
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):  # not Linux 5.3+
            threading.Thread(target=self._wait_in_thread, name=f"lambdaworks-wait-{self.pid}", daemon=True).start()
        else:
            loop.add_reader(self._pidfd, self._reap)

    def _reap(self) -> None:
        code = self.popen.poll()
        if code is not None:
            self._ended(code)

    def _wait_in_thread(self) -> None:
        code = self.popen.wait()
        with contextlib.suppress(RuntimeError):  # the loop closed first: nobody waits any more
            self.loop.call_soon_threadsafe(self._ended, code)

    def _ended(self, code: int) -> None:
        if self._pidfd is not None:
            self.loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        self.returncode = code  # as asyncio's: minus the signal's number for a killed process
        if not self._exited.done():
            self._exited.set_result(code)

    async def wait(self) -> int:
        """Its exit status, once it has exited (cancelling one wait cancels no other)."""
        return await asyncio.shield(self._exited)

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.popen.kill()
