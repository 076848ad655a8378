"""An execution environment's output: bytes as the process writes them, cut into log lines.

Two sources feed an environment's log: its stdout/stderr pipe, which every runtime writes to (and
subprocesses, C code and a crashing interpreter), and the fast lane's OUTPUT frames, which carry
what our bootstrap's ``sys.stdout`` and ``sys.stderr`` are given. Each is cut into lines on its
own, so a partial line from one is never glued to the other.

The pipe is read on the event loop as it fills and, when an invocation's result arrives, drained
at once: whatever the function wrote to its descriptors before it returned is in the pipe by
then, so it is logged before the invocation's END with no marker and no wait.
"""

from __future__ import annotations

import asyncio
import os
import select
from collections.abc import Callable

READ_SIZE = 65536
MAX_LINE = 256 * 1024  # CloudWatch's largest event


class Lines:
    """Bytes in, whole lines out: a line of any length is handed on (in pieces of at most
    MAX_LINE, as CloudWatch splits events) and never holds up the writer."""

    def __init__(self, on_line: Callable[[bytes], None]) -> None:
        self.on_line = on_line
        self.pending = b""

    def feed(self, data: bytes) -> None:
        if self.pending:
            data = self.pending + data
        *lines, self.pending = data.split(b"\n")
        on_line = self.on_line
        for whole in lines:
            if len(whole) <= MAX_LINE:
                on_line(whole)
                continue
            for start in range(0, len(whole), MAX_LINE):
                on_line(whole[start : start + MAX_LINE])
        while len(self.pending) > MAX_LINE:
            on_line(self.pending[:MAX_LINE])
            self.pending = self.pending[MAX_LINE:]

    def end(self) -> None:
        """Hand on the line in progress (output that did not end with a newline)."""
        if self.pending:
            pending, self.pending = self.pending, b""
            self.on_line(pending)


class Pipe:
    """The read end of an environment's stdout/stderr pipe, read on the loop as it fills."""

    def __init__(self, fd: int, lines: Lines) -> None:
        self.fd: int | None = fd
        self.lines = lines
        self.loop: asyncio.AbstractEventLoop | None = None
        self.poll = select.poll()  # asks whether there is anything to read: cheaper than a read that fails
        self.poll.register(fd, select.POLLIN)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        assert self.fd is not None
        os.set_blocking(self.fd, False)
        self.loop = loop
        loop.add_reader(self.fd, self.drain)

    def drain(self) -> None:
        """Read everything the pipe holds now, and hand its lines on."""
        if self.fd is not None and not self.poll.poll(0):
            return
        while self.fd is not None:
            try:
                data = os.read(self.fd, READ_SIZE)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:  # every writer is gone
                self.close()
                self.lines.end()
                return
            self.lines.feed(data)
            if len(data) < READ_SIZE:  # a short read: the pipe is empty
                return

    def close(self) -> None:
        if self.fd is None:
            return
        if self.loop is not None and not self.loop.is_closed():
            self.loop.remove_reader(self.fd)
        self.poll.unregister(self.fd)
        os.close(self.fd)
        self.fd = None
