"""The emulator's log: every line prefixed with its function, coloured per function on a terminal.

On a terminal (or with ``FORCE_COLOR``), rich colours each function's prefix with its own colour,
dims Lambda's START/END/REPORT lines and shows errors in red; ``NO_COLOR`` turns colour off. Rich
renders the escape codes once per function and kind of line, and every line reuses them: printing
each line through rich cost ~140 µs, more than the request it logs. Rich is imported at the first
write, not at the start: its import took ~45 ms of the emulator's start-up. Piped or redirected
output is plain text.
``--log-file`` adds one JSON object per line.

Inside a running event loop, lines gather for FLUSH_EVERY seconds and go out in one write: the
gateway sends its answer first and logs after, and under load one write carries the lines of many
requests instead of two writes each (a request that came while its predecessor's lines were being
written waited for them). Order is kept (every line goes through the same queue) and
:meth:`Logs.flush` writes what waits.
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
SENTINEL = "LAMBDAWORKS-LINE"  # stands for the text while rich renders a line's template
FLUSH_EVERY = 0.02  # seconds lines wait to be written together (unnoticed on a terminal)


class Logs:
    """Function output and Lambda's own lines: to the console, and as JSON lines to a file."""

    def __init__(self, stream: IO[str] | None = None, log_file: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout
        self.log_file = log_file
        self.colours: dict[str, str] = {}
        self.waiting: list[tuple[str, str, dict[str, object]]] = []
        self.templates: dict[tuple[str, str], tuple[str, str]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.console: Any = None
        self.ask_rich = _is_terminal(self.stream)  # whether to colour: rich decides at the first write

    def _make_console(self) -> None:
        """Ask rich whether (and how) to colour, once: at the first write, not at the start (importing
        rich takes ~45 ms, which the emulator's first answer would wait for)."""
        self.ask_rich = False
        from rich.console import Console

        console = Console(file=self.stream, highlight=False, soft_wrap=True, emoji=False, markup=False)
        if console.is_terminal and not console.no_color:
            self.console = console

    def colour(self, function: str) -> str:
        """The function's colour: stable for the life of the emulator."""
        if function not in self.colours:
            self.colours[function] = PALETTE[len(self.colours) % len(PALETTE)]
        return self.colours[function]

    def line(self, function: str, text: str, **fields: object) -> None:
        """One line of ``function``'s log; ``fields`` go to the JSON log file only."""
        waiting = self.waiting
        waiting.append((function, text, fields))
        if len(waiting) == 1:
            self._due()

    def _due(self) -> None:
        """Lines wait now: write them in FLUSH_EVERY seconds, or at once when no loop runs."""
        loop = self.loop
        if loop is None or not loop.is_running():  # asked once per loop: get_running_loop() calls getpid()
            try:
                loop = self.loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop: write now
                self.flush()
                return
        loop.call_later(FLUSH_EVERY, self.flush)

    def flush(self) -> None:
        """Write (and flush) every line still waiting."""
        waiting, self.waiting = self.waiting, []
        if not waiting:
            return
        if self.ask_rich:
            self._make_console()
        if self.console is None:
            self.stream.write("".join([f"[{function}] {text}\n" for function, text, _ in waiting]))
        else:
            self.stream.write("".join([self._styled(function, text) for function, text, _ in waiting]))
        self.stream.flush()
        if self.log_file is not None:
            self.log_file.write(
                "".join(
                    json.dumps({"function": function, "message": text, **fields}) + "\n"
                    for function, text, fields in waiting
                )
            )
            self.log_file.flush()

    def _styled(self, function: str, text: str) -> str:
        """``text`` as a coloured line: rich renders each (function, kind of line) once, and every
        line reuses the escape codes around it (printing each line through rich costs ~140 µs)."""
        kind = "dim" if text.startswith(LAMBDA_LINES) else "red" if text.startswith(ERROR_LINES) else ""
        around = self.templates.get((function, kind))
        if around is None:
            around = self.templates[(function, kind)] = self._template(function, kind)
        return f"{around[0]}{text}{around[1]}"

    def _template(self, function: str, style: str) -> tuple[str, str]:
        """What rich writes before and after a line of ``style`` from ``function``."""
        from rich.text import Text

        line = Text()
        line.append(f"[{function}] ", style=f"bold {self.colour(function)}")
        line.append(SENTINEL, style=style or None)
        with self.console.capture() as captured:
            self.console.print(line)
        before, _, after = captured.get().partition(SENTINEL)
        return before, after


def _is_terminal(stream: IO[str]) -> bool:
    """Worth asking rich: a TTY, or colour forced by the environment."""
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
