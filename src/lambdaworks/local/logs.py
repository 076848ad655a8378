"""The emulator's log: every line prefixed with its function, coloured per function on a terminal.

On a terminal (or with ``FORCE_COLOR``), rich colours each function's prefix with its own colour,
dims Lambda's START/END/REPORT lines and shows errors in red; ``NO_COLOR`` turns colour off. Piped
or redirected output is plain text written directly, so a busy emulator pays nothing for colour.
``--log-file`` adds one JSON object per line.

Inside a running event loop, lines are written on the loop's next turn, all that gathered in one
write: the gateway sends its answer first and logs after, so a request never waits for its log.
Order is kept (every line goes through the same queue) and :meth:`Logs.flush` writes what waits.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import IO, Any

#: Colours handed to functions in the order they first log, then reused.
PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "bright_cyan", "bright_magenta", "bright_green")
LAMBDA_LINES = ("START RequestId:", "END RequestId:", "REPORT RequestId:")
ERROR_LINES = ("[ERROR]", "Task timed out", "Runtime exited", "Traceback (most recent call last)")


class Logs:
    """Function output and Lambda's own lines: to the console, and as JSON lines to a file."""

    def __init__(self, stream: IO[str] | None = None, log_file: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout
        self.log_file = log_file
        self.colours: dict[str, str] = {}
        self.waiting: list[tuple[str, str, dict[str, object]]] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self.console: Any = None
        if _is_terminal(self.stream):
            from rich.console import Console

            self.console = Console(file=self.stream, highlight=False, soft_wrap=True, emoji=False, markup=False)
            if not self.console.is_terminal or self.console.no_color:
                self.console = None

    def colour(self, function: str) -> str:
        """The function's colour: stable for the life of the emulator."""
        if function not in self.colours:
            self.colours[function] = PALETTE[len(self.colours) % len(PALETTE)]
        return self.colours[function]

    def line(self, function: str, text: str, **fields: object) -> None:
        """One line of ``function``'s log; ``fields`` go to the JSON log file only."""
        self.lines(function, [(text, fields)])

    def lines(self, function: str, entries: list[tuple[str, dict[str, object]]]) -> None:
        """Several lines of ``function``'s log, written together (on the loop's next turn, if one runs)."""
        first = not self.waiting
        self.waiting.extend((function, text, fields) for text, fields in entries)
        if not first:
            return  # a flush is already due
        loop = self.loop
        if loop is None or not loop.is_running():  # asked once per loop: get_running_loop() calls getpid()
            try:
                loop = self.loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop: write now
                self.flush()
                return
        loop.call_soon(self.flush)

    def flush(self) -> None:
        """Write (and flush) every line still waiting."""
        waiting, self.waiting = self.waiting, []
        if not waiting:
            return
        if self.console is None:
            self.stream.write("".join(f"[{function}] {text}\n" for function, text, _ in waiting))
            self.stream.flush()
        else:
            for function, text, _ in waiting:
                self._styled(function, text)
        if self.log_file is not None:
            self.log_file.write(
                "".join(
                    json.dumps({"function": function, "message": text, **fields}) + "\n"
                    for function, text, fields in waiting
                )
            )
            self.log_file.flush()

    def _styled(self, function: str, text: str) -> None:
        from rich.text import Text

        line = Text()
        line.append(f"[{function}] ", style=f"bold {self.colour(function)}")
        if text.startswith(LAMBDA_LINES):
            line.append(text, style="dim")
        elif text.startswith(ERROR_LINES):
            line.append(text, style="red")
        else:
            line.append(text)
        self.console.print(line)


def _is_terminal(stream: IO[str]) -> bool:
    """Worth asking rich: a TTY, or colour forced by the environment."""
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
