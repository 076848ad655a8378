"""DynamoDB stream event source mappings: Lambda's shard reader, on the local tables' streams.

Records go to the function in order, a batch of at most ``BatchSize`` at a time. A failed batch is
tried again, blocking its shard as on Lambda, until it succeeds or ``MaximumRetryAttempts`` is
used up (-1, the default: until it succeeds; Lambda's is until the record expires, after a day).
With ``BisectBatchOnFunctionError`` a failed batch is split in two and the halves are tried on
their own. With ``ReportBatchItemFailures`` the function names the first record it could not
process (by ``SequenceNumber``); Lambda takes the lowest one named as the checkpoint and tries
again from there (AWS Lambda developer guide: "Configuring partial batch response with DynamoDB").
"""

from __future__ import annotations

import base64
import datetime
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lambdaworks.services.batches import failed_items
from lambdaworks.services.invoke import LambdaApi

DEFAULT_BATCH = 100
IDLE_WAIT = 1.0  # seconds between reads of a quiet stream (a write wakes the reader at once)
BACKOFF = (0.1, 0.2, 0.4, 0.8, 1.6, 3.2)


@dataclass(frozen=True)
class StreamMapping:
    function: str
    stream_arn: str
    batch_size: int = DEFAULT_BATCH
    starting_position: str = "LATEST"
    max_retries: int = -1
    bisect: bool = False
    report_failures: bool = False
    enabled: bool = True

    @property
    def table(self) -> str:
        return self.stream_arn.split(":table/", 1)[-1].split("/", 1)[0]


def mapping_of(source: Any) -> StreamMapping:
    props = source.properties
    return StreamMapping(
        function=source.function,
        stream_arn=str(props.get("Stream", "")),
        batch_size=int(props.get("BatchSize") or DEFAULT_BATCH),
        starting_position=str(props.get("StartingPosition") or "LATEST"),
        max_retries=int(props.get("MaximumRetryAttempts", -1)),
        bisect=str(props.get("BisectBatchOnFunctionError", False)).lower() == "true",
        report_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or ()),
        enabled=str(props.get("Enabled", True)).lower() != "false",
    )


def _json_safe(value: Any) -> Any:
    """botocore hands binary attributes back as bytes: Lambda's event has them in base64."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, set, tuple)):
        return [_json_safe(v) for v in value]
    return value


def record(raw: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """Lambda's record of a stream record as ``GetRecords`` returned it."""
    entry: dict[str, Any] = _json_safe({k: v for k, v in raw.items() if k != "dynamodb"})
    stream = dict(raw.get("dynamodb") or {})
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime.datetime):
        stream["ApproximateCreationDateTime"] = int(created.timestamp())
    entry["eventVersion"] = "1.1"  # what Lambda's events carry (see the dynamodb-event.json fixture)
    entry["dynamodb"] = _json_safe(stream)
    entry["eventSourceARN"] = stream_arn
    return entry


def plan(
    batch: list[dict[str, Any]], failed: list[str], mapping: StreamMapping, result_ok: bool
) -> list[list[dict[str, Any]]]:
    """What to try next after ``batch`` failed (``failed``: sequence numbers): the same batch, the
    records from the checkpoint on, or its two halves."""
    if mapping.report_failures and result_ok and failed:
        numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
        lowest = min(numbers.index(f) for f in failed)
        return [batch[lowest:]]
    if mapping.bisect and len(batch) > 1:
        half = len(batch) // 2
        return [batch[:half], batch[half:]]
    return [batch]


class StreamReader:
    """Reads one mapping's stream (moto's tables have one shard each) and invokes in order."""

    def __init__(
        self,
        mapping: StreamMapping,
        client: Any,
        api: LambdaApi,
        stop: threading.Event,
        log: Callable[[str], None],
    ) -> None:
        self.mapping = mapping
        self.client = client
        self.api = api
        self.stop = stop
        self.log = log
        self.wake = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"stream-{mapping.function}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _iterator(self) -> str:
        shards = self.client.describe_stream(StreamArn=self.mapping.stream_arn)["StreamDescription"]["Shards"]
        return str(
            self.client.get_shard_iterator(
                StreamArn=self.mapping.stream_arn,
                ShardId=shards[0]["ShardId"],
                ShardIteratorType=self.mapping.starting_position,
            )["ShardIterator"]
        )

    def _run(self) -> None:
        iterator = None
        while not self.stop.is_set():
            try:
                iterator = iterator or self._iterator()
                answer = self.client.get_records(ShardIterator=iterator, Limit=self.mapping.batch_size)
                iterator = answer.get("NextShardIterator")
                records = [record(r, self.mapping.stream_arn) for r in answer.get("Records") or ()]
            except Exception as exc:
                self.log(f"stream reader of {self.mapping.function} on {self.mapping.table}: {exc}")
                iterator, records = None, []
                self.stop.wait(IDLE_WAIT)
            if records:
                self.deliver(records)
            else:
                self.wake.wait(IDLE_WAIT)
                self.wake.clear()

    def deliver(self, records: list[dict[str, Any]]) -> None:
        """Invoke with ``records`` in order until each has succeeded or is given up."""
        pending = [records]
        while pending and not self.stop.is_set():
            batch = pending.pop(0)
            attempts = 0
            while not self.stop.is_set():
                result = self.api.invoke(self.mapping.function, json.dumps({"Records": batch}).encode())
                numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
                failed = failed_items(result, numbers, self.mapping.report_failures)
                if not failed:
                    break
                attempts += 1
                if 0 <= self.mapping.max_retries < attempts:
                    self.log(
                        f"{self.mapping.function}: {len(batch)} stream records of {self.mapping.table} given up "
                        f"after {attempts} attempts (MaximumRetryAttempts {self.mapping.max_retries})"
                    )
                    break
                following = plan(batch, failed, self.mapping, result.ok)
                self.stop.wait(BACKOFF[min(attempts, len(BACKOFF)) - 1])
                if len(following) > 1:  # bisected: the halves go on as batches of their own
                    pending[:0] = following
                    break
                batch = following[0]
