"""Handlers that leave what they received in $OUT_DIR/<function>/, so tests can read the events."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import boto3


def _keep(event: Any, context: Any) -> None:
    folder = Path(os.environ["OUT_DIR"], context.function_name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{context.aws_request_id}.json").write_text(json.dumps(event))


def record(event: Any, context: Any) -> None:
    _keep(event, context)


def process(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """An upload: an item in the table and a job on the queue, with an unmodified boto3."""
    _keep(event, context)
    names = ("AWS_ENDPOINT_URL", "TABLE", "QUEUE_URL", "QUEUE_ARN", "QUEUE_NAME", "BUCKET", "TOPIC", "SUBBED")
    if "Records" not in event:  # invoked directly: say what the environment holds
        return {name: os.environ.get(name) for name in names}
    obj = event["Records"][0]["s3"]["object"]
    boto3.client("dynamodb").put_item(
        TableName=os.environ["TABLE"], Item={"id": {"S": obj["key"]}, "size": {"N": str(obj["size"])}}
    )
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=f"job {obj['key']}")
    return {}


def work(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fails the batch on a "poison" body; reports "partial" bodies as failed items."""
    _keep(event, context)
    bodies = [r["body"] for r in event["Records"]]
    if any("poison" in b for b in bodies):
        raise ValueError("poison message")
    return {
        "batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"] if "partial" in r["body"]]
    }


def changes(event: dict[str, Any], context: Any) -> None:
    """A stream batch: fails while it holds an item marked poison."""
    _keep(event, context)
    if any("poison" in (r["dynamodb"].get("NewImage") or {}) for r in event["Records"]):
        raise ValueError("poison item")


def rough(event: dict[str, Any], context: Any) -> None:
    """On its first receive, a "crash" message kills the environment and a "slow" one times out; a
    "poison" one fails every time; the rest succeed. Each success leaves a file."""
    record = event["Records"][0]
    body, attempt = record["body"], record["attributes"]["ApproximateReceiveCount"]
    if "poison" in body:
        raise ValueError("poison")
    if attempt == "1" and body.startswith("crash"):
        os._exit(1)
    if attempt == "1" and body.startswith("slow"):
        time.sleep(5)
    done = Path(os.environ["OUT_DIR"], "rough")
    done.mkdir(parents=True, exist_ok=True)
    (done / body).write_text(attempt)


def in_order(event: dict[str, Any], context: Any) -> None:
    """Appends each message's group and body, slowly, so concurrent batches would interleave."""
    _keep(event, context)
    for record in event["Records"]:
        time.sleep(0.02)
        with Path(os.environ["OUT_DIR"], "sequence.log").open("a") as file:
            file.write(f"{record['attributes']['MessageGroupId']} {record['body']}\n")
