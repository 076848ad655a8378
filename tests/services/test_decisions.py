"""The services' decisions without a subprocess: what a batch answer means, names and attributes
as CloudFormation gives them, what is warned about, what a rule's target receives, and how a
poller gathers a batch (moto's SQS in this process, a clock the test moves)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lambdaworks.project.services import QUEUE, TABLE, ServiceResource, generated_name, source_problems
from lambdaworks.services.batches import failed_items
from lambdaworks.services.invoke import LambdaApi, Result
from lambdaworks.services.notifications import target_payload
from lambdaworks.services.spec import Resource, Source, Spec
from lambdaworks.services.sqs import Poller, SqsMapping, mapping_of

IDS = ["a", "b", "c"]


@pytest.mark.parametrize(
    ("result", "report", "failed"),
    [
        (Result(200, None, b'{"batchItemFailures": [{"itemIdentifier": "b"}]}'), True, ["b"]),
        (Result(200, None, b'{"batchItemFailures": [{"itemIdentifier": "b"}]}'), False, []),  # not enabled: not read
        (Result(200, None, b'{"batchItemFailures": []}'), True, []),
        (Result(200, None, b'{"batchItemFailures": null}'), True, []),
        (Result(200, None, b"null"), True, []),
        (Result(200, None, b"{}"), True, []),
        (Result(200, None, b""), True, []),
        (Result(200, None, b"not json"), True, IDS),
        (Result(200, None, b'{"batchItemFailures": [{"itemIdentifier": ""}]}'), True, IDS),
        (Result(200, None, b'{"batchItemFailures": [{"itemIdentifier": null}]}'), True, IDS),
        (Result(200, None, b'{"batchItemFailures": [{"id": "b"}]}'), True, IDS),
        (Result(200, None, b'{"batchItemFailures": [{"itemIdentifier": "zzz"}]}'), True, IDS),
        (Result(200, "Unhandled", b"{}"), True, IDS),  # a function error fails the whole batch
        (Result(429), False, IDS),  # throttled
        (Result(0), False, IDS),  # the emulator did not answer
    ],
)
def test_what_a_batch_answer_means(result: Result, report: bool, failed: list[str]) -> None:
    assert failed_items(result, IDS, report) == failed


def test_generated_names_are_cloudformations_shape_and_stable() -> None:
    bucket = generated_name("/p", "Uploads", "AWS::S3::Bucket", {})
    assert bucket == bucket.lower()
    assert bucket.startswith("lambdaworks-local-uploads-")
    assert bucket == generated_name("/p", "Uploads", "AWS::S3::Bucket", {})  # the same at every start
    assert bucket != generated_name("/q", "Uploads", "AWS::S3::Bucket", {})  # another project, another name
    fifo = generated_name("/p", "Q" * 100, QUEUE, {"FifoQueue": True})
    assert fifo.endswith(".fifo")
    assert len(fifo) <= 80


def test_attributes_as_ref_and_getatt_give_them() -> None:
    queue = ServiceResource("Jobs", QUEUE, "jobs")
    assert queue.attributes(4566) == {
        "Arn": "arn:aws:sqs:us-east-1:123456789012:jobs",
        "Ref": "http://127.0.0.1:4566/123456789012/jobs",
        "QueueUrl": "http://127.0.0.1:4566/123456789012/jobs",
        "QueueName": "jobs",
    }
    table = ServiceResource("Items", TABLE, "items", {"StreamSpecification": {"StreamViewType": "NEW_IMAGE"}})
    assert table.attributes(4566)["StreamArn"].startswith("arn:aws:dynamodb:us-east-1:123456789012:table/items/stream/")


def test_what_the_services_do_not_do_is_a_warning_naming_it() -> None:
    services = {"Jobs": ServiceResource("Jobs", QUEUE, "jobs")}
    arn = "arn:aws:sqs:us-east-1:123456789012:jobs"
    assert source_problems("SQS", {"Queue": arn, "BatchSize": 5}, services) == []
    assert source_problems("SQS", {"Queue": arn, "FilterCriteria": {}}, services) == [
        "SQS event property FilterCriteria is not emulated locally"
    ]
    assert "is not declared in this template" in source_problems("SQS", {"Queue": arn + "x"}, services)[0]
    assert source_problems("Kinesis", {}, services) == [
        "Kinesis events are not triggered by this version of the emulator"
    ]


def test_a_rule_target_gets_the_event_its_input_or_its_input_path() -> None:
    event = {"source": "shop", "detail": {"total": 250, "lines": {"n": 2}}}
    assert json.loads(target_payload({}, event)) == event
    assert target_payload({"Input": '{"fixed": 1}'}, event) == b'{"fixed": 1}'
    assert json.loads(target_payload({"InputPath": "$.detail.lines"}, event)) == {"n": 2}


def test_the_spec_crosses_the_process_boundary_whole() -> None:
    spec = Spec(
        (Resource("Jobs", QUEUE, "jobs", {"VisibilityTimeout": 1}),),
        (Source("Worker", "Queue", "SQS", {"Queue": "arn:aws:sqs:us-east-1:123456789012:jobs", "BatchSize": 3}),),
    )
    assert Spec.loads(spec.dumps()) == spec
    assert mapping_of(spec.sources[0]) == SqsMapping("Worker", "arn:aws:sqs:us-east-1:123456789012:jobs", 3)


class InvokeApi(BaseHTTPRequestHandler):
    """Records each invoke's payload and answers the function's result."""

    payloads: list[dict[str, Any]]

    def do_POST(self) -> None:
        self.payloads.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"null")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def invoke_api() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    payloads: list[dict[str, Any]] = []
    handler = type("Recording", (InvokeApi,), {"payloads": payloads})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", payloads
    finally:
        server.shutdown()
        server.server_close()


@mock_aws
def test_a_poller_gathers_up_to_batch_size_within_its_window(invoke_api: tuple[str, list[dict[str, Any]]]) -> None:
    url, payloads = invoke_api
    sqs = boto3.client("sqs", region_name="us-east-1")
    queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    for n in range(25):
        sqs.send_message(QueueUrl=queue, MessageBody=str(n))
    now = [0.0]
    mapping = SqsMapping("Worker", "arn:aws:sqs:us-east-1:123456789012:jobs", batch_size=12, window=5.0)
    poller = Poller(mapping, sqs, queue, LambdaApi(url), threading.Event(), print, clock=lambda: now[0])
    assert poller.poll_once() == 12  # the window is open: receives go on until the batch is full
    mapping_now = SqsMapping("Worker", mapping.queue_arn, batch_size=12, window=0.0)
    poller = Poller(mapping_now, sqs, queue, LambdaApi(url), threading.Event(), print, clock=lambda: now[0])
    assert poller.poll_once() == 10  # no window: one receive, at most 10 messages
    assert poller.poll_once() == 3
    assert poller.poll_once() == 0
    assert [len(p["Records"]) for p in payloads] == [12, 10, 3]
    assert sorted(int(r["body"]) for p in payloads for r in p["Records"]) == list(range(25))
    left = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert (left["ApproximateNumberOfMessages"], left["ApproximateNumberOfMessagesNotVisible"]) == ("0", "0")


def test_a_resource_property_the_services_do_not_apply_is_a_warning_naming_it(tmp_path: Any) -> None:
    from lambdaworks.project import load_project

    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Archive:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: archive\n"
        "      LifecycleConfiguration: {Rules: []}\n"
        "  Work:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Properties: {VisibilityTimeout: 5}\n"
        "  Clicks:\n"
        "    Type: AWS::Kinesis::Stream\n"
    )
    assert load_project(tmp_path).warnings == (
        "Archive: AWS::S3::Bucket property LifecycleConfiguration is not emulated locally",
        "Clicks: AWS::Kinesis::Stream is not emulated locally",  # a type: never silently ignored
    )
