"""The emulator's log lines: coloured per function on a terminal, plain when piped, JSON in a file."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys

import pytest

from lambdaworks.local.logs import FLUSH_EVERY, Logs

ANSI = re.compile(r"\x1b\[([0-9;]*)m")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def styles(text: str) -> list[str]:
    return ANSI.findall(text)


def test_piped_output_is_plain_and_the_file_gets_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    console, file = io.StringIO(), io.StringIO()
    logs = Logs(console, file)
    logs.line("Api", "START RequestId: 1 Version: $LATEST")
    logs.line("Api", "[not markup] hello", request_id="1")
    assert console.getvalue() == "[Api] START RequestId: 1 Version: $LATEST\n[Api] [not markup] hello\n"
    assert [json.loads(line) for line in file.getvalue().splitlines()] == [
        {"function": "Api", "message": "START RequestId: 1 Version: $LATEST"},
        {"function": "Api", "message": "[not markup] hello", "request_id": "1"},
    ]


def test_terminal_output_is_coloured_per_function(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    terminal = Terminal()
    logs = Logs(terminal)
    logs.line("Api", "hello [b]not bold[/b]")
    logs.line("Worker", "hello")
    logs.line("Api", "REPORT RequestId: 1\tDuration: 1.00 ms")
    logs.line("Worker", "[ERROR] ValueError: bad")
    lines = terminal.getvalue().splitlines()
    assert [" ".join(ANSI.sub("", line).split()) for line in lines] == [  # tabs become spaces on a terminal
        "[Api] hello [b]not bold[/b]",  # output is never read as rich markup
        "[Worker] hello",
        "[Api] REPORT RequestId: 1 Duration: 1.00 ms",
        "[Worker] [ERROR] ValueError: bad",
    ]
    api, worker = styles(lines[0])[0], styles(lines[1])[0]
    assert api != worker  # each function its own colour
    assert styles(lines[2])[0] == api  # and always the same one
    assert "2" in styles(lines[2])[2].split(";")  # Lambda's own lines are dim
    assert "31" in styles(lines[3])[2].split(";")  # errors are red


def test_no_color_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = Terminal()
    Logs(terminal).line("Api", "hello")
    assert terminal.getvalue() == "[Api] hello\n"


def test_inside_a_loop_lines_gather_for_a_moment_and_leave_together_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    class Counting(io.StringIO):
        writes = 0

        def write(self, text: str) -> int:
            self.writes += 1
            return super().write(text)

    console, file = Counting(), io.StringIO()
    logs = Logs(console, file)

    async def serve() -> str:
        logs.line("Api", "START RequestId: 1 Version: $LATEST")
        logs.line("Api", "hello from the function")
        await asyncio.sleep(0)  # the next turn: still gathering
        logs.line("Api", "END RequestId: 1")
        logs.line("Api", "REPORT RequestId: 1", request_id="1")
        seen = console.getvalue()  # the answer would be sent here: nothing written yet
        await asyncio.sleep(FLUSH_EVERY * 3)
        return seen

    assert asyncio.run(serve()) == ""
    assert console.getvalue().splitlines() == [
        "[Api] START RequestId: 1 Version: $LATEST",
        "[Api] hello from the function",
        "[Api] END RequestId: 1",
        "[Api] REPORT RequestId: 1",
    ]
    assert console.writes == 1  # one write for all of them
    assert [json.loads(line)["message"] for line in file.getvalue().splitlines()][-1] == "REPORT RequestId: 1"


def test_flush_writes_at_once_and_the_turn_after_writes_nothing_twice() -> None:
    console = io.StringIO()
    logs = Logs(console)

    async def shut_down() -> str:
        logs.line("lambdaworks", "shutting down")
        logs.flush()  # what Invoker.close does before the loop ends
        written = console.getvalue()
        await asyncio.sleep(0)
        return written

    assert asyncio.run(shut_down()) == "[lambdaworks] shutting down\n"
    assert console.getvalue() == "[lambdaworks] shutting down\n"


RICH_LATER = """
import io, sys
from lambdaworks.local.logs import Logs

class Terminal(io.StringIO):
    def isatty(self):
        return True

terminal = Terminal()
logs = Logs(terminal)
print("rich" in sys.modules)
logs.line("Api", "hello")
print("rich" in sys.modules, "\\x1b[" in terminal.getvalue())
"""


def test_rich_is_imported_at_the_first_write_not_at_the_start() -> None:
    """Importing rich took ~45 ms of the emulator's start, which its first answer waited for."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"
    result = subprocess.run([sys.executable, "-c", RICH_LATER], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.split() == ["False", "True", "True"]  # then coloured, as before
