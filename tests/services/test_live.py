"""The local AWS services through real processes: ``dev`` with its services, boto3 against the
local endpoint, functions that call boto3 unmodified, and events in AWS's shapes.

Reference shapes: the event fixtures in tests/fixtures/events (aws-lambda-go's s3-event.json,
sqs-event.json, sns-event.json, and Powertools' eventBridgeEvent.json)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.local.conftest import LiveEmulator, free_port, until

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "tests" / "apps" / "services_project"
FIXTURES = ROOT / "tests" / "fixtures" / "events" / "aws-lambda-go"


class Stack:
    """The running emulator, its services' port and the folder the functions write to."""

    def __init__(self, live: LiveEmulator, port: int, out: Path) -> None:
        self.live, self.port, self.out = live, port, out

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=f"http://127.0.0.1:{self.port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 0}),
        )

    def events(self, function: str) -> list[dict[str, Any]]:
        folder = self.out / function
        return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)]

    def resource(self, logical_id: str) -> str:
        """The local name of a resource, from dev's start-up lines."""
        line = self.live.wait_for(f" {logical_id}: ")
        return line.rsplit(": ", 1)[1]

    def queue_url(self, logical_id: str) -> str:
        return str(self.client("sqs").get_queue_url(QueueName=self.resource(logical_id))["QueueUrl"])


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    out = Path(tempfile.mkdtemp(prefix="lambdaworks-services-out-"))
    port = free_port()
    live = LiveEmulator(PROJECT, "--services-port", str(port), "--parameter-overrides", f"OutDir={out}")
    try:
        yield Stack(live, port, out)
    finally:
        live.stop()
        shutil.rmtree(out, ignore_errors=True)


def test_startup_names_the_endpoint_and_every_resource(stack: Stack) -> None:
    assert stack.live.wait_for(f"AWS services on http://127.0.0.1:{stack.port}")
    assert stack.resource("JobsDlq") == "jobs-dlq"  # the template's own name
    assert stack.resource("Uploads").startswith("lambdaworks-local-uploads-")  # generated: lower case for S3
    assert stack.resource("Jobs").startswith("lambdaworks-local-Jobs-")
    names = {b["Name"] for b in stack.client("s3").list_buckets()["Buckets"]}
    assert stack.resource("Uploads") in names
    tables = stack.client("dynamodb").list_tables()["TableNames"]
    assert stack.resource("Items") in tables


def test_functions_get_the_endpoint_and_the_local_values_of_ref_and_getatt(stack: Stack) -> None:
    payload = stack.live.lambda_client().invoke(FunctionName="Processor", Payload=b"{}")["Payload"].read()
    seen = json.loads(payload)
    jobs, dlq = stack.resource("Jobs"), stack.resource("JobsDlq")
    assert seen["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{stack.port}"
    assert seen["QUEUE_URL"] == f"http://127.0.0.1:{stack.port}/123456789012/{jobs}" == stack.queue_url("Jobs")
    assert seen["QUEUE_ARN"] == f"arn:aws:sqs:us-east-1:123456789012:{jobs}"
    assert seen["QUEUE_NAME"] == jobs
    assert seen["TABLE"] == stack.resource("Items")
    assert seen["TOPIC"] == f"arn:aws:sns:us-east-1:123456789012:{stack.resource('Alerts')}"
    assert seen["SUBBED"] == f"{stack.resource('Uploads')}/arn:aws:sqs:us-east-1:123456789012:{dlq}"


def test_an_upload_runs_the_processor_which_writes_dynamodb_and_sqs(stack: Stack) -> None:
    bucket = stack.resource("Uploads")
    s3 = stack.client("s3")
    s3.put_object(Bucket=bucket, Key="elsewhere/a.txt", Body=b"x")  # outside the prefix filter
    s3.put_object(Bucket=bucket, Key="incoming/a.bin", Body=b"x")  # outside the suffix filter
    s3.put_object(Bucket=bucket, Key="incoming/Happy Face.txt", Body=b"hello")
    events = until(lambda: [e for e in stack.events("Processor") if "Records" in e])
    time.sleep(0.5)
    assert len([e for e in stack.events("Processor") if "Records" in e]) == 1
    record = events[0]["Records"][0]
    reference = json.loads((FIXTURES / "s3-event.json").read_text())["Records"][0]
    assert set(record) == set(reference)
    assert set(record["s3"]) == set(reference["s3"])
    assert record["eventSource"] == "aws:s3"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["bucket"] == {
        "name": bucket,
        "ownerIdentity": {"principalId": "EXAMPLE"},
        "arn": f"arn:aws:s3:::{bucket}",
    }
    obj = record["s3"]["object"]
    assert obj["key"] == "incoming/Happy+Face.txt"  # url-encoded, as S3 sends it
    assert obj["size"] == 5
    assert obj["eTag"] == "5d41402abc4b2a76b9719d911017c592"  # md5 of the body
    assert obj["sequencer"]
    # the processor's own boto3 calls reached the local table and queue
    items = until(lambda: stack.client("dynamodb").scan(TableName=stack.resource("Items"))["Items"])
    assert items == [{"id": {"S": "incoming/Happy+Face.txt"}, "size": {"N": "5"}}]
    jobs = until(lambda: [e for e in stack.events("Worker") if "job incoming/Happy+Face.txt" in json.dumps(e)])
    assert jobs[0]["Records"][0]["eventSource"] == "aws:sqs"


def test_sqs_batches_are_deleted_when_they_succeed(stack: Stack) -> None:
    sqs = stack.client("sqs")
    url = stack.queue_url("Jobs")
    bodies = {f"ok {n}" for n in range(25)}
    for start in range(0, 25, 10):
        entries = [{"Id": str(i), "MessageBody": b} for i, b in enumerate(sorted(bodies)[start : start + 10])]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)

    def delivered() -> set[str]:
        return {r["body"] for e in stack.events("Worker") for r in e["Records"]} & bodies

    until(lambda: delivered() == bodies)
    batches = [e for e in stack.events("Worker") if any(r["body"] in bodies for r in e["Records"])]
    assert all(len(e["Records"]) <= 10 for e in batches)
    record = batches[0]["Records"][0]
    reference = json.loads((FIXTURES / "sqs-event.json").read_text())["Records"][0]
    assert set(reference) - {"md5OfMessageAttributes"} <= set(record)
    assert record["eventSourceARN"] == f"arn:aws:sqs:us-east-1:123456789012:{stack.resource('Jobs')}"
    assert {"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"]
    )
    time.sleep(1.5)  # past the visibility timeout: nothing comes back, the batches were deleted
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_a_poison_message_lands_in_the_dead_letter_queue_after_max_receive_count(stack: Stack) -> None:
    sqs = stack.client("sqs")
    sqs.send_message(QueueUrl=stack.queue_url("Jobs"), MessageBody="poison 1")
    dlq = stack.queue_url("JobsDlq")
    moved = until(lambda: sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"]).get("Messages"), timeout=30)
    assert moved[0]["Body"] == "poison 1"
    received = [r for e in stack.events("Worker") for r in e["Records"] if r["body"] == "poison 1"]
    assert [r["attributes"]["ApproximateReceiveCount"] for r in received] == ["1", "2"]  # maxReceiveCount: 2


def test_no_message_is_lost_across_crashes_and_timeouts_and_poison_goes_to_the_dlq(stack: Stack) -> None:
    """20 consumer failures (10 crashes, 10 timeouts) and 2 poison messages among 25: every other
    message is processed, each poison message is in the DLQ after exactly maxReceiveCount (3)."""
    sqs = stack.client("sqs")
    url = stack.queue_url("Rough")
    bodies = [f"crash-{n}" for n in range(10)] + [f"slow-{n}" for n in range(10)] + [f"fine-{n}" for n in range(3)]
    for body in [*bodies, "poison-0", "poison-1"]:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    done = stack.out / "rough"
    until(lambda: done.is_dir() and {p.name for p in done.iterdir()} >= set(bodies), timeout=60)
    dlq = stack.queue_url("RoughDlq")

    def parked() -> list[dict[str, Any]]:
        return sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])

    moved = until(lambda: len(parked()) == 2 and parked(), timeout=60)
    assert sorted(m["Body"] for m in moved) == ["poison-0", "poison-1"]
    assert {p.name for p in done.iterdir()} == set(bodies)  # the poison ones never succeeded
    crashed = [line for line in stack.live.lines if "Runtime exited with error" in line and "RoughWorker" in line]
    timed_out = [line for line in stack.live.lines if "Task timed out" in line and "RoughWorker" in line]
    assert len(crashed) >= 10
    assert len(timed_out) >= 10


def test_a_fifo_queue_delivers_each_message_group_in_order(stack: Stack) -> None:
    sqs = stack.client("sqs")
    url = stack.queue_url("Sequence")
    for n in range(12):
        for group in ("a", "b", "c"):
            sqs.send_message(QueueUrl=url, MessageBody=f"{group}{n:02d}", MessageGroupId=group)  # content dedup
    log = stack.out / "sequence.log"
    until(lambda: log.exists() and len(log.read_text().split("\n")) > 36, timeout=60)
    seen: dict[str, list[str]] = {}
    for line in log.read_text().splitlines():
        group, body = line.split()
        seen.setdefault(group, []).append(body)
    assert seen == {group: [f"{group}{n:02d}" for n in range(12)] for group in ("a", "b", "c")}
    record = stack.events("InOrder")[0]["Records"][0]
    assert {"MessageGroupId", "MessageDeduplicationId", "SequenceNumber"} <= set(record["attributes"])


def test_report_batch_item_failures_deletes_the_others(stack: Stack) -> None:
    sqs = stack.client("sqs")
    url = stack.queue_url("Partial")
    sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": str(i), "MessageBody": b} for i, b in enumerate(["fine a", "partial b", "fine c"])],
    )

    def receipts(body: str) -> list[str]:
        return [
            r["attributes"]["ApproximateReceiveCount"]
            for e in stack.events("PartialWorker")
            for r in e["Records"]
            if r["body"] == body
        ]

    until(lambda: len(receipts("partial b")) >= 2, timeout=30)  # reported failed: back after the visibility timeout
    assert receipts("fine a") == ["1"]
    assert receipts("fine c") == ["1"]


def test_sns_delivers_what_the_filter_policy_lets_through(stack: Stack) -> None:
    sns = stack.client("sns")
    topic = f"arn:aws:sns:us-east-1:123456789012:{stack.resource('Alerts')}"
    attribute = {"DataType": "String", "StringValue": "low"}
    sns.publish(TopicArn=topic, Message="ignored", MessageAttributes={"severity": attribute})
    high = {"severity": {"DataType": "String", "StringValue": "high"}}
    message_id = sns.publish(TopicArn=topic, Message="fire", Subject="alarm", MessageAttributes=high)["MessageId"]
    events = until(lambda: [e for e in stack.events("Alerted") if "Records" in e])
    time.sleep(0.5)
    assert len([e for e in stack.events("Alerted") if "Records" in e]) == 1
    record = events[0]["Records"][0]
    reference = json.loads((FIXTURES / "sns-event.json").read_text())["Records"][0]
    assert set(record) == set(reference)
    assert set(reference["Sns"]) <= set(record["Sns"])
    assert record["Sns"]["MessageId"] == message_id
    assert (record["Sns"]["Message"], record["Sns"]["Subject"], record["Sns"]["TopicArn"]) == ("fire", "alarm", topic)
    assert record["Sns"]["MessageAttributes"] == {"severity": {"Type": "String", "Value": "high"}}
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert record["EventSubscriptionArn"] in {s["SubscriptionArn"] for s in subscriptions}


def test_eventbridge_rules_on_a_custom_bus_match_patterns(stack: Stack) -> None:
    events = stack.client("events")
    events.put_events(
        Entries=[
            {
                "Source": "shop",
                "DetailType": "OrderPlaced",
                "Detail": json.dumps({"total": 250}),
                "EventBusName": "orders",
            },
            {"Source": "other", "DetailType": "OrderPlaced", "Detail": "{}", "EventBusName": "orders"},
        ]
    )
    got = until(lambda: len(stack.events("Ordered")) >= 2 and stack.events("Ordered"))
    time.sleep(0.5)
    got = stack.events("Ordered")
    whole = [e for e in got if "detail-type" in e]
    assert len(whole) == 1
    assert whole[0]["source"] == "shop"
    assert whole[0]["detail"] == {"total": 250}
    assert {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"} <= set(
        whole[0]
    )
    assert [e for e in got if "detail-type" not in e] == [{"total": 250}]  # InputPath: $.detail


def test_dynamodb_stream_records_arrive_in_order_and_a_poison_batch_is_bisected_then_given_up(stack: Stack) -> None:
    ddb = stack.client("dynamodb")
    table = stack.resource("Ledger")
    for n in range(3):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"order-{n}"}, "n": {"N": str(n)}})
    ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "order-0"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "10"}},
    )

    def seen() -> list[tuple[str, str]]:
        return [
            (r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"])
            for e in stack.events("Changes")
            for r in e["Records"]
            if "poison" not in (r["dynamodb"].get("NewImage") or {})
        ]

    until(lambda: len(seen()) >= 4)
    assert seen()[:4] == [("INSERT", "order-0"), ("INSERT", "order-1"), ("INSERT", "order-2"), ("MODIFY", "order-0")]
    record = stack.events("Changes")[0]["Records"][0]
    reference = json.loads((FIXTURES / "dynamodb-event.json").read_text())["Records"][0]
    assert {"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb"} <= set(record)
    assert record["eventSourceARN"].startswith(f"arn:aws:dynamodb:us-east-1:123456789012:table/{table}/stream/")
    assert {"Keys", "NewImage", "SequenceNumber", "SizeBytes", "StreamViewType"} <= set(record["dynamodb"])
    assert record["eventVersion"] == reference["eventVersion"]
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)

    ddb.put_item(TableName=table, Item={"pk": {"S": "bad"}, "poison": {"BOOL": True}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "after"}})
    stack.live.wait_for("stream records of " + table + " given up after 2 attempts", timeout=30)
    until(lambda: ("INSERT", "after") in seen())


def test_an_async_failure_record_reaches_a_local_queue_destination(stack: Stack) -> None:
    """OnFailure on a queue of the template: the record goes to that local queue, as on AWS."""
    event = {"Records": [{"messageId": "m1", "body": "poison"}]}
    answer = stack.live.lambda_client().invoke(FunctionName="Doomed", InvocationType="Event", Payload=json.dumps(event))
    request_id = answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    sqs = stack.client("sqs")
    url = stack.queue_url("Failures")
    messages = until(lambda: sqs.receive_message(QueueUrl=url).get("Messages"), timeout=30)
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["requestId"] == request_id
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"] == event
    assert record["responseContext"]["functionError"] == "Unhandled"


def kept_stack(tmp_path: Path, *extra: str, port: int | None = None) -> Stack:
    """A stack on ``tmp_path``'s state folder, which outlives it (for the restart tests)."""
    port = port or free_port()
    flags = ("--services-port", str(port), "--parameter-overrides", f"OutDir={tmp_path / 'out'}", *extra)
    return Stack(LiveEmulator(PROJECT, *flags, state_dir=tmp_path / "state"), port, tmp_path / "out")


def test_contents_survive_a_restart_and_fresh_starts_empty(tmp_path: Path) -> None:
    """Objects and messages are kept in the state folder across a Ctrl-C; --fresh starts empty."""
    stack = kept_stack(tmp_path)
    first, port, state = stack.live, stack.port, tmp_path / "state"
    try:
        bucket = stack.resource("Uploads")
        stack.client("s3").put_object(Bucket=bucket, Key="kept/report.csv", Body=b"a,b\n")
        stack.client("sqs").send_message(QueueUrl=stack.queue_url("JobsDlq"), MessageBody="parked")
    finally:
        assert first.stop() == 0
    assert (state / "services" / "s3.pickle").is_file()

    stack = kept_stack(tmp_path, port=port)
    again = stack.live
    try:
        assert again.wait_for("kept from the last run: ")
        keys = [o["Key"] for o in stack.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]
        assert keys == ["kept/report.csv"]
        messages = stack.client("sqs").receive_message(QueueUrl=stack.queue_url("JobsDlq")).get("Messages", [])
        assert [m["Body"] for m in messages] == ["parked"]
    finally:
        assert again.stop() == 0

    stack = kept_stack(tmp_path, "--fresh", port=port)
    fresh = stack.live
    try:
        assert stack.client("s3").list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    finally:
        fresh.stop()


def test_the_local_stack_fixture_hands_out_clients_bound_to_the_services(local_stack: Any) -> None:
    """lambdaworks.testing's fixture, as a user's test suite uses it."""
    stack = local_stack(PROJECT)
    names = {b["Name"] for b in stack.client("s3").list_buckets()["Buckets"]}
    assert any(name.startswith("lambdaworks-local-uploads-") for name in names)
    answer = stack.client("lambda").invoke(FunctionName="Processor", Payload=b"{}")
    assert json.loads(answer["Payload"].read())["AWS_ENDPOINT_URL"] == stack.services_url


def test_the_native_config_declares_resources_and_event_sources(tmp_path: Path) -> None:
    port = free_port()
    project = ROOT / "tests" / "apps" / "native_services_project"
    live = LiveEmulator(project, "--services-port", str(port), "--parameter-overrides", f"OutDir={tmp_path}")
    stack = Stack(live, port, tmp_path)
    try:
        bucket = stack.resource("Uploads")
        stack.client("s3").put_object(Bucket=bucket, Key="in/a.txt", Body=b"a")
        stack.client("sqs").send_message(QueueUrl=stack.queue_url("Jobs"), MessageBody="job")
        s3_events = until(lambda: list((tmp_path / "aws-s3").glob("*.json")))
        assert json.loads(s3_events[0].read_text())["Records"][0]["s3"]["object"]["key"] == "in/a.txt"
        sqs_events = until(lambda: list((tmp_path / "aws-sqs").glob("*.json")))
        assert json.loads(sqs_events[0].read_text())["Records"][0]["body"] == "job"
    finally:
        live.stop()


def test_what_was_written_a_second_before_a_kill_9_survives_it(tmp_path: Path) -> None:
    """The services keep their state half a second after a change: kill -9 loses only the last moment."""
    stack = kept_stack(tmp_path)
    first, port = stack.live, stack.port
    try:
        bucket = stack.resource("Uploads")
        stack.client("s3").put_object(Bucket=bucket, Key="before-the-kill.txt", Body=b"x")
        time.sleep(1.0)
        os.killpg(first.process.pid, signal.SIGKILL)  # dev and its services process, as a crash takes them
        first.process.wait(10)
    finally:
        first.stop()
    stack = kept_stack(tmp_path, port=port)
    again = stack.live
    try:
        keys = [o["Key"] for o in stack.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]
        assert "before-the-kill.txt" in keys
    finally:
        again.stop()
