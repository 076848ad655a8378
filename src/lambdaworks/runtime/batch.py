"""Per-record processing of SQS and stream batches with partial-failure reporting.

Lambda retries only the records named in ``{"batchItemFailures": [{"itemIdentifier": ...}]}``
(the event source mapping must have ``ReportBatchItemFailures`` enabled). Ordering rules:

* SQS standard queue: every failed message is reported, the rest are deleted.
* SQS FIFO queue: processing stops at the first failure; it and every later message are
  reported, so the group's order is kept.
* Kinesis and DynamoDB streams: processing stops at the first failure and only its sequence
  number is reported; Lambda restarts the batch from there.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    RecordHandler = Callable[[dict[str, Any], Any], Any]


def item_identifier(source: str, record: dict[str, Any]) -> str:
    """The id Lambda expects for a failed record of ``source``."""
    if source == "sqs":
        return str(record["messageId"])
    if source == "kinesis":
        return str(record["kinesis"]["sequenceNumber"])
    if source == "dynamodb":
        return str(record["dynamodb"]["SequenceNumber"])
    raise ValueError(f"per-record processing is for sqs, kinesis and dynamodb events, not {source!r}")


def process_batch(source: str, event: dict[str, Any], record_handler: RecordHandler, context: Any) -> dict[str, Any]:
    """Call ``record_handler(record, context)`` per record; return the partial-failure response."""
    records = event.get("Records") or []
    failures: list[dict[str, str]] = []
    fifo = source == "sqs" and bool(records) and str(records[0].get("eventSourceARN", "")).endswith(".fifo")
    stream = source in ("kinesis", "dynamodb")
    for index, record in enumerate(records):
        try:
            record_handler(record, context)
        except Exception as exc:
            report_failure(source, record, exc)
            failures.append({"itemIdentifier": item_identifier(source, record)})
            if fifo:
                failures.extend({"itemIdentifier": item_identifier(source, r)} for r in records[index + 1 :])
                break
            if stream:
                break
    return {"batchItemFailures": failures}


def report_failure(source: str, record: dict[str, Any], exc: BaseException) -> None:
    """Log a failed record with its traceback (to stderr, which Lambda captures)."""
    import traceback

    try:
        ident = item_identifier(source, record)
    except (KeyError, TypeError, ValueError):
        ident = "?"
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    sys.stderr.write(f"[lambdaworks] {source} record {ident} failed and will be retried:\n{text}")
