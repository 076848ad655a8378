"""The events SNS and EventBridge send a function, built from what moto hands the hooks."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Mapping
from typing import Any

from lambdaworks.wire.common import REGION

_counter = itertools.count()
_lock = threading.Lock()


def sequencer() -> str:
    """An increasing hexadecimal string: S3's ``sequencer``, later events on a key sort after earlier ones."""
    with _lock:
        return f"{time.time_ns():016X}{next(_counter) % 256:02X}"


SIGNING_CERT = f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-local.pem"


def sns_event(
    subscription_arn: str,
    topic_arn: str,
    message: str,
    message_id: str,
    subject: str | None,
    attributes: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The SNS record a ``lambda`` subscription delivers (one record per invoke, as SNS sends)."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": {
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": topic_arn,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                    "SignatureVersion": "1",
                    "Signature": "bG9jYWw=",
                    "SigningCertUrl": SIGNING_CERT,
                    "UnsubscribeUrl": f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe"
                    f"&SubscriptionArn={subscription_arn}",
                    "MessageAttributes": {
                        name: {"Type": value.get("Type") or value.get("DataType"), "Value": value.get("Value")}
                        for name, value in (attributes or {}).items()
                    },
                },
            }
        ]
    }


def target_payload(target: Mapping[str, Any], event: Mapping[str, Any]) -> bytes:
    """What an EventBridge rule's target receives: the event, its ``Input`` or its ``InputPath``."""
    if target.get("Input") is not None:
        return str(target["Input"]).encode()
    path = target.get("InputPath")
    if path:
        value: Any = event
        for part in str(path).lstrip("$").strip(".").split("."):
            if not part:
                continue
            value = value.get(part) if isinstance(value, dict) else None
        return json.dumps(value).encode()
    return json.dumps(event).encode()
