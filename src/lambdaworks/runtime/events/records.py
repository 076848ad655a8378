"""Detection of non-HTTP event sources from the event's shape.

``detect(event)`` returns one of :data:`SOURCES` or None. Record-based events are recognised by
``Records[0].eventSource`` (``EventSource`` for SNS); EventBridge by ``detail-type`` + ``source``
(scheduled events are the ``aws.events``/``Scheduled Event`` subset); CloudWatch Logs
subscriptions by ``awslogs.data``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Every non-HTTP source name ``@handler.on(...)`` accepts.
SOURCES = (
    "s3",
    "sqs",
    "sns",
    "eventbridge",
    "schedule",
    "dynamodb",
    "kinesis",
    "cloudwatch-logs",
    "authorizer",
    "websocket",
    "warmup",
)

_RECORD_SOURCES = {
    "aws:s3": "s3",
    "aws:sqs": "sqs",
    "aws:sns": "sns",
    "aws:dynamodb": "dynamodb",
    "aws:kinesis": "kinesis",
}

#: Sources whose handlers may use per-record processing (``each_record=True``).
BATCH_SOURCES = ("sqs", "dynamodb", "kinesis")

#: ``source`` values that warm-up plugins send.
WARMUP_SOURCES = frozenset({"serverless-plugin-warmup", "aws.events.warmup", "lambdaworks.warmup"})


def detect(event: Any) -> str | None:
    """The non-HTTP source of ``event``, or None when the shape is not recognised."""
    if not isinstance(event, dict):
        return None
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        first = records[0]
        origin = first.get("eventSource") or first.get("EventSource")
        if isinstance(origin, str):
            return _RECORD_SOURCES.get(origin)
        return None
    source = event.get("source")
    if isinstance(source, str):
        if source in WARMUP_SOURCES:
            return "warmup"
        if "detail-type" in event:
            if source == "aws.events" and event.get("detail-type") == "Scheduled Event":
                return "schedule"
            return "eventbridge"
    if event.get("warmer") is True:
        return "warmup"
    awslogs = event.get("awslogs")
    if isinstance(awslogs, dict) and "data" in awslogs:
        return "cloudwatch-logs"
    if event.get("type") in ("TOKEN", "REQUEST") and ("methodArn" in event or "routeArn" in event):
        return "authorizer"
    context = event.get("requestContext")
    if isinstance(context, dict) and "connectionId" in context and "eventType" in context:
        return "websocket"
    return None
