"""Asynchronous invocation records to the local AWS services: an ``OnSuccess``/``OnFailure``
destination or a ``DeadLetterQueue`` that is a queue, topic or event bus of the template reaches
it, as on AWS, instead of the local dead-letter store.

The send is queued in the store like an invocation (its "function" is the target's ARN), so it is
as durable as the event it comes from and is tried again while the services do not answer. It
speaks each service's own wire protocol to the services endpoint: SQS ``SendMessage`` (JSON),
SNS ``Publish`` (query) and EventBridge ``PutEvents`` (JSON, as Lambda's destination sends it:
source ``lambda``, detail-type ``Lambda Function Invocation Result - Success|Failure``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from lambdaworks.project.model import Project
from lambdaworks.wire.common import ACCOUNT, REGION

#: The services a destination can be, by the ARN's service name.
SERVICES = ("sqs", "sns", "events")


def envelope(kind: str, message: Mapping[str, Any]) -> bytes:
    """What is queued: the record (or, for a DeadLetterQueue, the event and its attributes) and its kind."""
    return json.dumps({"kind": kind, "message": message}).encode()


class ServiceSender:
    """Sends queued destination records to the local services endpoint on ``port``."""

    def __init__(self, port: int, project: Callable[[], Project]) -> None:
        self.port = port
        self.project = project

    def handles(self, arn: str) -> bool:
        """Whether ``arn`` is a queue, topic or bus the local services hold."""
        parts = arn.split(":")
        return len(parts) > 2 and parts[2] in SERVICES and any(s.arn == arn for s in self.project().services.values())

    async def send(self, arn: str, payload: bytes) -> bool:
        """Deliver one queued record; False when the services did not take it (try again later)."""
        return await asyncio.to_thread(self._send, arn, json.loads(payload))

    def _send(self, arn: str, queued: Mapping[str, Any]) -> bool:
        service = arn.split(":")[2]
        message, kind = queued["message"], queued["kind"]
        if kind == "DeadLetterQueue":  # the event itself, with Lambda's three attributes
            body, attributes = message["body"], message["messageAttributes"]
        else:
            body, attributes = message, {}
        text = json.dumps(body)
        if service == "sqs":
            name = arn.rsplit(":", 1)[1]
            request = {
                "QueueUrl": f"http://127.0.0.1:{self.port}/{ACCOUNT}/{name}",
                "MessageBody": text,
                "MessageAttributes": {k: {"DataType": "String", "StringValue": str(v)} for k, v in attributes.items()},
            }
            return self._post("sqs", json.dumps(request).encode(), "AmazonSQS.SendMessage", "1.0")
        if service == "sns":
            form = {"Action": "Publish", "Version": "2010-03-31", "TopicArn": arn, "Message": text}
            for index, (k, v) in enumerate(attributes.items(), start=1):
                prefix = f"MessageAttributes.entry.{index}"
                form.update(
                    {f"{prefix}.Name": k, f"{prefix}.Value.DataType": "String", f"{prefix}.Value.StringValue": str(v)}
                )
            return self._post("sns", urlencode(form).encode(), None, None)
        condition = body.get("requestContext", {}).get("condition", "Success") if isinstance(body, dict) else ""
        entry = {
            "Source": "lambda",
            "DetailType": f"Lambda Function Invocation Result - {'Success' if condition == 'Success' else 'Failure'}",
            "Detail": text,
            "EventBusName": arn,
            "Resources": [body.get("requestContext", {}).get("functionArn", "")] if isinstance(body, dict) else [],
        }
        return self._post("events", json.dumps({"Entries": [entry]}).encode(), "AWSEvents.PutEvents", "1.1")

    def _post(self, service: str, body: bytes, target: str | None, json_version: str | None) -> bool:
        day = time.strftime("%Y%m%d", time.gmtime())
        headers = {
            "Authorization": f"AWS4-HMAC-SHA256 Credential=lambdaworks/{day}/{REGION}/{service}/aws4_request, "
            "SignedHeaders=host, Signature=0",
            "Content-Type": f"application/x-amz-json-{json_version}" if target else "application/x-www-form-urlencoded",
        }
        if target:
            headers["X-Amz-Target"] = target
        import http.client  # here, not at the top: dev's start-up would pay ~15 ms for a destination it may never use

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", "/", body, headers)
            response = connection.getresponse()
            response.read()
            return 200 <= response.status < 300
        except OSError:
            return False
        finally:
            connection.close()
