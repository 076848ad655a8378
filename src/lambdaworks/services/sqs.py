"""SQS event source mappings: Lambda's poller, on the local queues.

A poller receives up to ``BatchSize`` messages (gathering for ``MaximumBatchingWindowInSeconds``
when the batch is not full), invokes the function synchronously with them, and deletes what
succeeded. A failed batch (a function error, a crash, a timeout, a throttle) deletes nothing:
its messages become visible again when the queue's ``VisibilityTimeout`` ends, and the queue's
``RedrivePolicy`` moves a message received ``maxReceiveCount`` times to its dead-letter queue
(moto's SQS does both, as SQS does). ``ScalingConfig.MaximumConcurrency`` (at least 2, Lambda's
floor) is how many batches are in flight at once. A FIFO queue hands out a message group's
messages in order and none of a group while one of its messages is in flight.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lambdaworks.services.batches import failed_items
from lambdaworks.services.invoke import LambdaApi
from lambdaworks.services.spec import Source
from lambdaworks.wire.common import REGION

DEFAULT_BATCH = 10
DEFAULT_CONCURRENCY = 2  # Lambda's minimum for MaximumConcurrency
IDLE_WAIT = 1.0  # seconds between polls of an empty queue (a send wakes the poller at once)


@dataclass(frozen=True)
class SqsMapping:
    function: str
    queue_arn: str
    batch_size: int = DEFAULT_BATCH
    window: float = 0.0
    report_failures: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    enabled: bool = True

    @property
    def queue_name(self) -> str:
        return self.queue_arn.rsplit(":", 1)[-1]

    @property
    def fifo(self) -> bool:
        return self.queue_name.endswith(".fifo")


def mapping_of(source: Source) -> SqsMapping:
    props = source.properties
    scaling = props.get("ScalingConfig") or {}
    return SqsMapping(
        function=source.function,
        queue_arn=str(props.get("Queue", "")),
        batch_size=int(props.get("BatchSize") or DEFAULT_BATCH),
        window=float(props.get("MaximumBatchingWindowInSeconds") or 0),
        report_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or ()),
        concurrency=max(DEFAULT_CONCURRENCY, int(scaling.get("MaximumConcurrency") or DEFAULT_CONCURRENCY)),
        enabled=str(props.get("Enabled", True)).lower() != "false",
    )


def lambda_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """A message's attributes as Lambda's record has them (lower camel case, list fields present)."""
    converted = {}
    for name, value in attributes.items():
        item: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
        if "StringValue" in value:
            item["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            raw = value["BinaryValue"]
            item["binaryValue"] = raw if isinstance(raw, str) else base64.b64encode(raw).decode()
        converted[name] = item
    return converted


def record(message: Mapping[str, Any], queue_arn: str) -> dict[str, Any]:
    """Lambda's SQS record of a message as ``ReceiveMessage`` returned it."""
    entry: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": lambda_attributes(message.get("MessageAttributes") or {}),
        "md5OfBody": message.get("MD5OfBody")
        or hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
    }
    if message.get("MD5OfMessageAttributes"):
        entry["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    entry.update(eventSource="aws:sqs", eventSourceARN=queue_arn, awsRegion=REGION)
    return entry


class Poller:
    """One mapping's pollers: ``concurrency`` threads, each receiving and invoking a batch at a time."""

    def __init__(
        self,
        mapping: SqsMapping,
        client: Any,
        queue_url: str,
        api: LambdaApi,
        stop: threading.Event,
        log: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.mapping = mapping
        self.client = client
        self.queue_url = queue_url
        self.api = api
        self.stop = stop
        self.log = log
        self.clock = clock
        self.wake = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, name=f"sqs-{mapping.function}-{i}", daemon=True)
            for i in range(mapping.concurrency)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                handled = self.poll_once()
            except Exception as exc:  # the queue went away, the endpoint is stopping: try again later
                self.log(f"SQS poller of {self.mapping.function} on {self.mapping.queue_name}: {exc}")
                handled = 0
            if not handled:
                self.wake.wait(IDLE_WAIT)
                self.wake.clear()

    def receive(self) -> list[dict[str, Any]]:
        """Up to BatchSize messages, gathered for at most the batching window."""
        messages: list[dict[str, Any]] = []
        deadline = self.clock() + self.mapping.window
        while len(messages) < self.mapping.batch_size and not self.stop.is_set():
            answer = self.client.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self.mapping.batch_size - len(messages)),
                AttributeNames=["All"],
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            )
            got = answer.get("Messages") or []
            messages.extend(got)
            if self.clock() >= deadline or (not got and not messages):
                break
            if not got:
                self.wake.wait(min(0.05, max(0.0, deadline - self.clock())))
        return messages

    def poll_once(self) -> int:
        """Receive a batch, invoke, delete what succeeded; returns how many messages were handled."""
        messages = self.receive()
        if not messages:
            return 0
        payload = json.dumps({"Records": [record(m, self.mapping.queue_arn) for m in messages]}).encode()
        result = self.api.invoke(self.mapping.function, payload)
        identifiers = [m["MessageId"] for m in messages]
        failed = set(failed_items(result, identifiers, self.mapping.report_failures))
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            self.client.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
        if result.status == 429:
            self.stop.wait(0.2)  # throttled: the messages come back after their visibility timeout
        return len(messages)
