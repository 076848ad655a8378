"""The non-HTTP events, shaped as each AWS service sends them to a function."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from lambdaworks.runtime.context import new_request_id
from lambdaworks.wire.common import ACCOUNT, REGION, SOURCE_IP


def s3_event(
    bucket: str = "example-bucket",
    key: str = "uploads/file.txt",
    *,
    event_name: str = "ObjectCreated:Put",
    size: int = 1024,
    etag: str | None = None,
    version_id: str | None = None,
    sequencer: str = "0A1B2C3D4E5F678901",
    configuration_id: str = "lambdaworks",
) -> dict[str, Any]:
    """An S3 notification for one object (the key url-encoded, as S3 sends it). A removal has no
    size or eTag; ``versionId`` is there when the bucket is versioned."""
    obj: dict[str, Any] = {"key": quote(key, safe="/").replace("%20", "+")}
    if event_name.startswith("ObjectCreated"):
        obj["size"] = size
        obj["eTag"] = etag if etag is not None else hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()
    if version_id is not None:
        obj["versionId"] = version_id
    obj["sequencer"] = sequencer
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": REGION,
                "eventTime": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                "eventName": event_name,
                "userIdentity": {"principalId": "EXAMPLE"},
                "requestParameters": {"sourceIPAddress": SOURCE_IP},
                "responseElements": {"x-amz-request-id": "EXAMPLE123456789", "x-amz-id-2": "EXAMPLE123/abc"},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "EXAMPLE"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": obj,
                },
            }
        ]
    }


def sqs_event(*bodies: str, queue: str = "example-queue", fifo: bool = False) -> dict[str, Any]:
    """An SQS batch, one record per body (``fifo=True`` for a ``.fifo`` queue)."""
    name = f"{queue}.fifo" if fifo and not queue.endswith(".fifo") else queue
    records = []
    for index, body in enumerate(bodies or ("Hello from SQS!",)):
        attributes = {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(int(time.time() * 1000)),
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000)),
        }
        if fifo:
            attributes.update(
                {
                    "MessageGroupId": "group-1",
                    "MessageDeduplicationId": str(index),
                    "SequenceNumber": str(18849496460467696128 + index),
                }
            )
        records.append(
            {
                "messageId": new_request_id(),
                "receiptHandle": f"AQEB{index}",
                "body": body,
                "attributes": attributes,
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
                "awsRegion": REGION,
            }
        )
    return {"Records": records}


def sns_event(
    message: str = "Hello from SNS!", *, topic: str = "example-topic", subject: str | None = None
) -> dict[str, Any]:
    """An SNS notification with one message."""
    arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic}"
    return {
        "Records": [
            {
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{arn}:{new_request_id()}",
                "EventSource": "aws:sns",
                "Sns": {
                    "SignatureVersion": "1",
                    "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "EXAMPLE",
                    "MessageId": new_request_id(),
                    "Message": message,
                    "MessageAttributes": {},
                    "Type": "Notification",
                    "UnsubscribeUrl": "EXAMPLE",
                    "TopicArn": arn,
                    "Subject": subject,
                },
            }
        ]
    }


def eventbridge_event(
    detail: Mapping[str, Any] | None = None,
    *,
    source: str = "com.example.orders",
    detail_type: str = "OrderPlaced",
    resources: Iterable[str] = (),
) -> dict[str, Any]:
    """An EventBridge event."""
    return {
        "version": "0",
        "id": new_request_id(),
        "detail-type": detail_type,
        "source": source,
        "account": ACCOUNT,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": REGION,
        "resources": list(resources),
        "detail": dict(detail or {}),
    }


def schedule_event(rule: str = "every-five-minutes", when: float | None = None) -> dict[str, Any]:
    """A scheduled (EventBridge rule) event; ``when`` (epoch seconds) is the scheduled time."""
    event = eventbridge_event(
        {},
        source="aws.events",
        detail_type="Scheduled Event",
        resources=[f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{rule}"],
    )
    if when is not None:
        event["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
    return event


def dynamodb_event(
    *new_images: Mapping[str, Any], table: str = "example-table", event_name: str = "INSERT"
) -> dict[str, Any]:
    """A DynamoDB stream batch, one record per new image (already in DynamoDB JSON)."""
    records = []
    for index, image in enumerate(new_images or ({"id": {"S": "1"}},)):
        keys = {k: v for k, v in image.items() if k == "id"} or dict(list(image.items())[:1])
        records.append(
            {
                "eventID": new_request_id().replace("-", ""),
                "eventName": event_name,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": {
                    "ApproximateCreationDateTime": int(time.time()),
                    "Keys": keys,
                    "NewImage": dict(image),
                    "SequenceNumber": str(111 + index),
                    "SizeBytes": 26,
                    "StreamViewType": "NEW_IMAGE",
                },
                "eventSourceARN": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}/stream/2026-01-01T00:00:00.000",
            }
        )
    return {"Records": records}


def kinesis_event(*payloads: bytes | str, stream: str = "example-stream") -> dict[str, Any]:
    """A Kinesis batch, one record per payload (base64-encoded as Kinesis sends it)."""
    records = []
    for index, payload in enumerate(payloads or (b"Hello from Kinesis!",)):
        raw = payload.encode() if isinstance(payload, str) else payload
        records.append(
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": "1",
                    "sequenceNumber": str(49590338271490256608559692538361571095921575989136588898 + index),
                    "data": base64.b64encode(raw).decode(),
                    "approximateArrivalTimestamp": time.time(),
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"shardId-000000000006:{index}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT}:role/lambda-role",
                "awsRegion": REGION,
                "eventSourceARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{stream}",
            }
        )
    return {"Records": records}


def cloudwatch_logs_event(*messages: str, log_group: str = "/aws/lambda/example") -> dict[str, Any]:
    """A CloudWatch Logs subscription event (gzip + base64 ``awslogs.data``)."""
    now = int(time.time() * 1000)
    payload = {
        "messageType": "DATA_MESSAGE",
        "owner": ACCOUNT,
        "logGroup": log_group,
        "logStream": "stream",
        "subscriptionFilters": ["lambdaworks"],
        "logEvents": [{"id": str(i), "timestamp": now, "message": m} for i, m in enumerate(messages or ("hello",))],
    }
    data = base64.b64encode(gzip.compress(json.dumps(payload).encode(), mtime=0)).decode()
    return {"awslogs": {"data": data}}
