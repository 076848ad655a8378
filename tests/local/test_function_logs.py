"""What a function logs reads as on Lambda: Python's ``logging`` in Lambda's text or JSON format
(the handler Lambda's Python runtime installs, which awslambdaric writes the same way), every line
before the invocation's END, and output of any size never blocks the function. Each holds on
our bootstrap's fast lane and on the Runtime API alike."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.local.conftest import LANES, LiveEmulator

ROOT = Path(__file__).resolve().parents[2]
LOGGING = ROOT / "tests" / "apps" / "logging_project"
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


@pytest.fixture(params=list(LANES))
def lane(request: pytest.FixtureRequest) -> dict[str, str]:
    """The variables that choose our bootstrap's way to its environment."""
    return LANES[request.param]


def invoke(
    function: str, project: Path = LOGGING, event: str = "{}", env: dict[str, str] | None = None
) -> tuple[list[str], str]:
    result = subprocess.run(
        [sys.executable, "-m", "lambdaworks.cli", "invoke", function, str(project), "-e", "-"],
        input=event,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    prefix = f"[{function}] "
    return [line.removeprefix(prefix) for line in result.stderr.splitlines() if line.startswith(prefix)], result.stdout


def test_text_logs_have_lambdas_format_and_come_before_end(lane: dict[str, str]) -> None:
    lines, result = invoke("TextLogs", env=lane)
    request_id = json.loads(result)["request_id"]
    assert re.fullmatch(rf"\[WARNING\]\t{STAMP}\t\timported", lines[1])  # init: no request id yet
    warning = next(line for line in lines if "order o-1 is late" in line)
    assert re.fullmatch(rf"\[WARNING\]\t{STAMP}\t{request_id}\torder o-1 is late", warning)
    assert not any("debug detail" in line for line in lines)  # the root logger stays at WARNING
    end = lines.index(f"END RequestId: {request_id}")
    assert lines.index(warning) < end
    assert lines.index("ValueError: bad order") < end  # the exception's traceback too
    assert lines[-1].startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    assert lines[-1].endswith(" ms\t")  # AWS's REPORT line ends with a tab


def test_logging_config_json_switches_to_json_lines_at_its_level(lane: dict[str, str]) -> None:
    lines, result = invoke("JsonLogs", env=lane)
    request_id = json.loads(result)["request_id"]
    records = [json.loads(line) for line in lines if line.startswith("{")]
    by_message = {record["message"]: record for record in records}
    assert by_message["debug detail"]["level"] == "DEBUG"  # ApplicationLogLevel: DEBUG
    late = by_message["order o-1 is late"]
    assert late["requestId"] == request_id
    assert (late["level"], late["logger"], late["order"]) == ("WARNING", "orders", "o-1")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", late["timestamp"])
    failed = by_message["failed"]
    assert (failed["errorType"], failed["errorMessage"]) == ("ValueError", "bad order")
    assert failed["location"].endswith("app.py:handler:13")
    assert "requestId" not in by_message["imported"] or by_message["imported"]["requestId"] == ""


def test_a_line_of_any_length_is_logged_and_never_blocks_the_function(tmp_path: Path, lane: dict[str, str]) -> None:
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  Loud:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: loud.handler, CodeUri: ., Timeout: 10}\n"
    )
    (tmp_path / "loud.py").write_text(
        "def handler(event, context):\n"
        "    print('x' * 5_000_000)\n"  # one 5 MB line: more than the pipe holds
        "    print('after the long line')\n"
        "    return 'done'\n"
    )
    lines, result = invoke("Loud", tmp_path, env=lane)
    assert json.loads(result) == "done"
    pieces = [line for line in lines if line and set(line) == {"x"}]
    assert sum(len(piece) for piece in pieces) == 5_000_000
    assert max(len(piece) for piece in pieces) == 256 * 1024  # CloudWatch's largest event
    assert lines.index("after the long line") < next(i for i, line in enumerate(lines) if line.startswith("END "))


def test_the_log_file_names_the_invocation_of_every_line(tmp_path: Path) -> None:
    log_file = tmp_path / "logs.jsonl"
    live = LiveEmulator(LOGGING, "--log-file", str(log_file))
    try:
        response = live.lambda_client().invoke(FunctionName="TextLogs", Payload=b"{}")
        request_id = json.loads(response["Payload"].read())["request_id"]
    finally:
        live.stop()
    entries = [json.loads(line) for line in log_file.read_text().splitlines()]
    mine = [entry for entry in entries if entry.get("request_id") == request_id]
    messages = [entry["message"] for entry in mine]
    assert messages[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert messages[-2:] == [f"END RequestId: {request_id}", messages[-1]]
    assert messages[-1].startswith(f"REPORT RequestId: {request_id}")
    assert any("order o-1 is late" in message for message in messages)
    assert "ValueError: bad order" in messages


def test_output_from_every_writer_comes_before_end(tmp_path: Path, lane: dict[str, str]) -> None:
    """print, a write to the descriptor itself, a subprocess, threads writing at once, and a line
    without its newline: all logged before END, no line cut into another. (Each thread writes a
    line in one call: ``print`` writes the text and its newline in two, which threads can
    interleave on any unbuffered stream, on Lambda too.)"""
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  Chatty:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: chatty.handler, CodeUri: ., Timeout: 10}\n"
    )
    (tmp_path / "chatty.py").write_text(
        "import os, subprocess, sys, threading\n"
        "def handler(event, context):\n"
        "    print('from print')\n"
        "    os.write(1, b'from the descriptor\\n')\n"
        "    subprocess.run([sys.executable, '-c', 'print(\"from a subprocess\")'], check=True)\n"
        "    def chatter(n):\n"
        "        for i in range(200):\n"
        "            sys.stdout.write(f'thread {n} line {i} ' + 'y' * 100 + '\\n')\n"
        "    threads = [threading.Thread(target=chatter, args=(n,)) for n in range(4)]\n"
        "    for thread in threads: thread.start()\n"
        "    for thread in threads: thread.join()\n"
        "    sys.stderr.write('no newline at the end')\n"
        "    return 'done'\n"
    )
    lines, result = invoke("Chatty", tmp_path, env=lane)
    assert json.loads(result) == "done"
    end = next(i for i, line in enumerate(lines) if line.startswith("END "))
    for expected in ("from print", "from the descriptor", "from a subprocess", "no newline at the end"):
        assert lines.index(expected) < end
    chatter = [line for line in lines if line.startswith("thread ")]
    assert len(chatter) == 800
    assert all(re.fullmatch(r"thread \d line \d+ y{100}", line) for line in chatter)
    assert max(i for i, line in enumerate(lines) if line.startswith("thread ")) < end
    # a fresh project: the folders leading to its bytecode cache are made, and no write is refused
    assert not any("read-only on Lambda" in line for line in lines)
