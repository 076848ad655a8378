"""Durable asynchronous invocations on a live emulator: retries, destinations, dead letters, redrive,
throttles, event age, and kill -9 while events are queued and in flight."""

from __future__ import annotations

import datetime
import json
import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from lambdaworks.cli.main import main
from tests.local.conftest import LiveEmulator, until

PROJECT = Path(__file__).resolve().parents[1] / "apps" / "async_project"
RETRY_DELAY = "0.3"  # Lambda's "minute": retries 0.3 s and 0.6 s apart; event age 60 s -> 0.3 s


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("async-out")


@pytest.fixture(scope="module")
def live(out_dir: Path) -> Iterator[LiveEmulator]:
    emulator = LiveEmulator(PROJECT, "--retry-delay", RETRY_DELAY, "--parameter-overrides", f"OutDir={out_dir}")
    yield emulator
    emulator.stop()


def send(client: Any, function: str, payload: dict[str, Any]) -> str:
    response = client.invoke(FunctionName=function, InvocationType="Event", Payload=json.dumps(payload))
    assert response["StatusCode"] == 202
    return str(response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"])


def attempts(out_dir: Path, function: str, key: str) -> list[str]:
    path = out_dir / "attempts" / f"{function}-{key}"
    return path.read_text().splitlines() if path.exists() else []


def cli(live: LiveEmulator, *args: str) -> str:
    result = CliRunner().invoke(main, ["dead-letters", *args, str(PROJECT), "--state-dir", str(live.state_dir)])
    assert result.exit_code == 0, result.output
    return result.output


def test_retry_then_success_goes_to_on_success(live: LiveEmulator, out_dir: Path) -> None:
    client = live.lambda_client()
    key = uuid.uuid4().hex
    request_id = send(client, "Flaky", {"key": key, "fail": 1})
    live.wait_for(f"async event {request_id}: Success -> the store (OnSuccess arn:aws:sqs:", timeout=15)
    assert attempts(out_dir, "Flaky", key) == [request_id, request_id]  # a retry keeps the request id
    assert f"async event {request_id}: attempt 1 failed (RuntimeError); retry in 0.3s" in "\n".join(live.lines)


def test_retries_exhausted_invoke_the_on_failure_function(live: LiveEmulator, out_dir: Path) -> None:
    client = live.lambda_client()
    key = uuid.uuid4().hex
    request_id = send(client, "Flaky", {"key": key, "fail": 9})
    live.wait_for(f"async event {request_id}: RetriesExhausted -> OnFailure function Recorder", timeout=15)
    assert len(attempts(out_dir, "Flaky", key)) == 3  # MaximumRetryAttempts: 2

    def recorded() -> dict[str, Any] | None:
        for path in (out_dir / "recorded").glob("*.json"):
            record = json.loads(path.read_text())
            if record["requestContext"]["requestId"] == request_id:
                return dict(record)
        return None

    record = until(recorded)
    assert record["version"] == "1.0"
    assert record["timestamp"].endswith("Z")
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:Flaky:$LATEST",
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 3,
    }
    assert record["requestPayload"] == {"key": key, "fail": 9}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert record["responsePayload"]["errorType"] == "RuntimeError"
    assert record["responsePayload"]["errorMessage"] == f"attempt 3 of {key} fails on purpose"


def test_without_destination_the_event_is_kept_and_can_be_redriven(live: LiveEmulator, out_dir: Path) -> None:
    client = live.lambda_client()
    key = uuid.uuid4().hex
    request_id = send(client, "Doomed", {"key": key, "fail": 2})
    live.wait_for(f"async event {request_id}: RetriesExhausted -> the dead-letter store", timeout=15)
    assert len(attempts(out_dir, "Doomed", key)) == 2  # MaximumRetryAttempts: 1
    listed = [line for line in cli(live, "list").splitlines() if "Doomed" in line]
    assert len(listed) == 1
    assert "RetriesExhausted" in listed[0]
    assert "no destination configured" in listed[0]
    record_id = listed[0].split()[0]
    shown = json.loads(cli(live, "show", record_id))
    assert shown["requestContext"]["requestId"] == request_id
    assert shown["requestPayload"] == {"key": key, "fail": 2}

    redriven = cli(live, "redrive", record_id)
    assert f"{record_id}: queued again for Doomed as " in redriven
    new_id = redriven.strip().rsplit(" ", 1)[1]
    live.wait_for(f"[Doomed] REPORT RequestId: {new_id}", timeout=10)  # the running emulator picked it up
    until(lambda: len(attempts(out_dir, "Doomed", key)) == 3)  # the third attempt succeeds
    assert "Doomed" not in cli(live, "list")


def test_dead_letter_queue_gets_the_event_itself(live: LiveEmulator) -> None:
    client = live.lambda_client()
    key = uuid.uuid4().hex
    request_id = send(client, "Dlq", {"key": key, "fail": 1})
    live.wait_for(f"async event {request_id}: RetriesExhausted -> the dead-letter store (DeadLetterQueue", timeout=10)
    line = next(line for line in cli(live, "list", "--function", "Dlq").splitlines() if "Dlq" in line)
    assert "DeadLetterQueue arn:aws:sqs:us-east-1:123456789012:dlq" in line
    message = json.loads(cli(live, "show", line.split()[0]))
    assert message == {
        "body": {"key": key, "fail": 1},
        "messageAttributes": {
            "RequestID": request_id,
            "ErrorCode": "200",
            "ErrorMessage": f"attempt 1 of {key} fails on purpose",
        },
    }


def test_event_older_than_maximum_age_is_not_attempted_again(live: LiveEmulator, out_dir: Path) -> None:
    client = live.lambda_client()
    key = uuid.uuid4().hex
    request_id = send(client, "Aged", {"key": key, "fail": 9})
    live.wait_for(f"async event {request_id}: EventAgeExceeded -> the dead-letter store", timeout=10)
    # 150 "seconds" of age: the first retry comes after 60, the second would start after 180
    assert 1 <= len(attempts(out_dir, "Aged", key)) < 3


def test_throttled_event_waits_without_using_a_retry(live: LiveEmulator, out_dir: Path) -> None:
    client = live.lambda_client()
    marker = uuid.uuid4().int % 10**9
    # two slow synchronous calls hold both environments Worker may have (ReservedConcurrentExecutions: 2)
    busy = [
        threading.Thread(
            target=client.invoke, kwargs={"FunctionName": "Worker", "Payload": json.dumps({"n": -i, "sleep": 1.5})}
        )
        for i in (1, 2)
    ]
    for thread in busy:
        thread.start()
    time.sleep(0.5)
    send(client, "Worker", {"n": marker})
    for thread in busy:
        thread.join()
    until(lambda: str(marker) in (out_dir / "worker.log").read_text().split())
    assert (out_dir / "worker.log").read_text().split().count(str(marker)) == 1


def test_purge(live: LiveEmulator) -> None:
    client = live.lambda_client()
    request_id = send(client, "Dlq", {"key": uuid.uuid4().hex, "fail": 1})
    live.wait_for(f"async event {request_id}: RetriesExhausted", timeout=10)
    assert "dead letters purged." in cli(live, "purge", "--all")
    assert cli(live, "list").startswith("No dead letters.")


def test_kill_9_loses_nothing(tmp_path: Path) -> None:
    """Queue events, kill -9 the emulator mid-delivery, restart it on the same state: all delivered."""
    state, out = tmp_path / "state", tmp_path / "out"
    sent: set[int] = set()
    output: list[str] = []
    for round_ in range(3):
        live = LiveEmulator(
            PROJECT, "--retry-delay", RETRY_DELAY, "--parameter-overrides", f"OutDir={out}", state_dir=state
        )
        client = live.lambda_client()
        for n in range(round_ * 100, round_ * 100 + 25):
            send(client, "Worker", {"n": n, "sleep": 0.05})
            sent.add(n)
        time.sleep(0.1 * (round_ + 1))  # some done, some in flight, some queued
        os.kill(live.process.pid, signal.SIGKILL)
        live.process.wait(5)
        live.stop()
        output += live.lines
    live = LiveEmulator(
        PROJECT, "--retry-delay", RETRY_DELAY, "--parameter-overrides", f"OutDir={out}", state_dir=state
    )
    try:
        until(lambda: sent <= {int(n) for n in (out / "worker.log").read_text().split()}, timeout=30)
        assert "No dead letters." in cli(live, "list")
    finally:
        live.stop()
    # an event runs twice only when it was running at a kill: at most the Worker's reserved
    # concurrency (2) per kill, since its environments die with the emulator
    done = (out / "worker.log").read_text().split()
    assert len(done) - len(set(done)) <= 3 * 2
    # the kills did catch attempts in flight, and the next start took them up again
    assert any("async events were in flight at the last stop: retrying" in line for line in output + live.lines)


def test_schedule_fire_reaches_the_running_emulator(live: LiveEmulator, out_dir: Path) -> None:
    result = CliRunner().invoke(main, ["schedule", "fire", "Nightly", str(PROJECT), "--state-dir", str(live.state_dir)])
    assert result.exit_code == 0, result.output
    assert "Worker.Nightly fired: async event " in result.output
    until(lambda: "4242" in (out_dir / "worker.log").read_text().split())  # the schedule's Input


def test_schedule_fire_unknown_name_lists_the_schedules(live: LiveEmulator) -> None:
    result = CliRunner().invoke(main, ["schedule", "fire", "Nope", str(PROJECT), "--state-dir", str(live.state_dir)])
    assert result.exit_code == 1
    assert "'Nope' is not a schedule of the project; schedules: Worker.Nightly, Worker.Paused" in result.output


def test_schedule_fires_on_time_with_the_scheduled_event(tmp_path: Path) -> None:
    """A ScheduleV2 ``at(...)`` two seconds ahead, in another time zone, fires by itself."""
    (tmp_path / "fns").mkdir()
    (tmp_path / "fns" / "fns.py").write_text((PROJECT / "fns" / "fns.py").read_text())
    zone = "Asia/Kolkata"
    when = datetime.datetime.now(ZoneInfo(zone)).replace(microsecond=0) + datetime.timedelta(seconds=2)
    (tmp_path / "template.yaml").write_text(
        f"""
Transform: AWS::Serverless-2016-10-31
Resources:
  Recorder:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fns/
      Handler: fns.recorder
      Runtime: python3.12
      Environment: {{Variables: {{OUT_DIR: {tmp_path / "out"}}}}}
      Events:
        Soon:
          Type: ScheduleV2
          Properties:
            Name: soon
            ScheduleExpression: at({when:%Y-%m-%dT%H:%M:%S})
            ScheduleExpressionTimezone: {zone}
"""
    )
    live = LiveEmulator(tmp_path, "--no-reload")
    try:
        live.wait_for("[Recorder] schedule Soon fired -> async event", timeout=10)
        recorded = until(lambda: list((tmp_path / "out" / "recorded").glob("*.json")))
        event = json.loads(recorded[0].read_text())
        assert event["detail-type"] == "Scheduled Event"
        assert event["source"] == "aws.events"
        assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/soon"]
        assert event["time"] == when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert event["detail"] == {}
    finally:
        live.stop()


def test_no_schedules_flag(tmp_path: Path) -> None:
    live = LiveEmulator(PROJECT, "--no-schedules", "--parameter-overrides", f"OutDir={tmp_path}")
    try:
        assert not any("schedule Nightly" in line for line in live.lines)
    finally:
        live.stop()
    live = LiveEmulator(PROJECT, "--parameter-overrides", f"OutDir={tmp_path}")
    try:
        live.wait_for("[Worker] schedule Nightly cron(0 3 * * ? *): next at ")
        assert not any("schedule Paused" in line for line in live.lines)  # State: DISABLED
    finally:
        live.stop()
