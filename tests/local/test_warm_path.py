"""The gateway's warm path: a request that finds an initialised environment idle is answered with no
task (``Invoker.start_warm``). Its ends that need an await, a timeout and a crash, still give
Lambda's errors and lines, and the next request a fresh environment."""

from __future__ import annotations

import json
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.local.conftest import LANES, LiveEmulator

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Work:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: .
      Handler: app.handler
      Timeout: 1
      Events:
        Get: {Type: HttpApi, Properties: {Path: /work, Method: GET}}
"""

APP = """\
import os
import time

def handler(event, context):
    action = (event.get("queryStringParameters") or {}).get("do", "ok")
    print(f"doing {action}")
    if action == "sleep":
        time.sleep(5)
    if action == "exit":
        os._exit(3)
    return {"statusCode": 200, "body": str(os.getpid())}
"""


@pytest.fixture(scope="module", params=list(LANES))
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveEmulator]:
    project: Path = tmp_path_factory.mktemp("warm")
    (project / "template.yaml").write_text(TEMPLATE)
    (project / "app.py").write_text(textwrap.dedent(APP))
    emulator = LiveEmulator(project, env=LANES[request.param])
    yield emulator
    emulator.stop()


def get(live: LiveEmulator, action: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"{live.url}/work?do={action}", timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def lines_of(live: LiveEmulator, mark: int, last: str) -> list[str]:
    """The log's lines from ``mark`` on, once ``last`` and a REPORT after it are among them."""
    at = live.lines.index(live.wait_for(last, after=mark), mark)
    live.wait_for("[Work] REPORT RequestId", after=at)
    return live.lines[mark:]


@pytest.mark.parametrize(
    ("action", "message"),
    [("sleep", "Task timed out after 1.00 seconds"), ("exit", "Runtime exited with error: exit status 3")],
)
def test_a_warm_environment_that_times_out_or_crashes_is_replaced(
    live: LiveEmulator, action: str, message: str
) -> None:
    status, body = get(live, "ok")
    assert status == 200
    before = body  # the warm environment's pid
    assert get(live, "ok") == (200, before)  # warm: the same process
    mark = len(live.lines)
    status, body = get(live, action)
    assert (status, json.loads(body)) == (500, {"message": "Internal Server Error"})  # an HTTP API's function error
    lines = lines_of(live, mark, message)
    doing = next(i for i, line in enumerate(lines) if f"doing {action}" in line)
    start = max(i for i, line in enumerate(lines[:doing]) if "[Work] START RequestId" in line)
    request_id = lines[start].split("RequestId: ")[1].split()[0]
    reason = lines.index(f"[Work] RequestId: {request_id} Error: {message}")
    end = lines.index(f"[Work] END RequestId: {request_id}")
    report = next(i for i, line in enumerate(lines) if line.startswith(f"[Work] REPORT RequestId: {request_id}"))
    assert start < doing < reason < end < report  # as Lambda logs them: output, the reason, END, REPORT
    status, body = get(live, "ok")
    assert status == 200
    assert body != before  # a fresh environment


def test_an_invocation_has_its_whole_timeout_after_an_earlier_one_on_the_same_environment(live: LiveEmulator) -> None:
    """An environment has one timer, set for the deadline of the invocation that armed it: when it rings
    during a later invocation, that one still runs to its own deadline (Timeout: 1 s from its start)."""
    assert get(live, "ok")[0] == 200
    time.sleep(0.5)  # the earlier invocation's deadline comes half-way through the next one
    mark = len(live.lines)
    status, _ = get(live, "sleep")
    assert status == 500
    lines = lines_of(live, mark, "Task timed out after 1.00 seconds")
    report = next(line for line in lines if line.startswith("[Work] REPORT RequestId"))
    duration = float(report.split("\tDuration: ")[1].split(" ms")[0])
    assert 1000 <= duration < 3000
