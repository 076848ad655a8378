"""What the services process learns from moto, and the one place that knows moto's internals.

moto keeps each service's state in plain Python objects and, for S3, SNS and EventBridge, already
decides what a change must notify (a bucket's notification configuration and its filters, an SNS
subscription's filter policy, a rule's event pattern). These hooks take over the one step moto
cannot do here, delivering to a Lambda function (moto's needs Docker and drops fields), and pass
it to the wiring; they also say when a queue or a table's stream has something new, so the
pollers wake at once instead of on their next round.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Callbacks:
    """What the wiring wants to hear of (each runs on the moto request thread that made the change)."""

    s3: Callable[[str, str, str, Any, Any], None]  # (notification id, function ARN, event name, bucket, key)
    sns: Callable[[Any, str, str, str | None, dict[str, Any] | None], None]  # (subscription, msg, id, subject, attrs)
    events: Callable[[dict[str, Any], dict[str, Any]], None]  # (target, event)
    queue_changed: Callable[[str], None]  # queue name
    stream_changed: Callable[[str], None]  # table name


def install(callbacks: Callbacks) -> None:
    """Patch moto, in this process only."""
    _s3(callbacks)
    _sns(callbacks)
    _events(callbacks)
    _sqs(callbacks)
    _dynamodb(callbacks)


def _s3(callbacks: Callbacks) -> None:
    from moto.s3 import notifications

    original = notifications.send_event

    def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
        configuration = bucket.notification_configuration
        name = str(getattr(event_name, "value", event_name))
        if configuration is not None and key is not None:
            for notification in configuration.cloud_function:
                if notification.matches(event_name, key.name):
                    callbacks.s3(notification.id, notification.arn, name[3:], bucket, key)
        original(account_id, event_name, bucket, key)  # queues, topics and EventBridge, as moto does them

    notifications.send_event = send_event
    notifications._invoke_awslambda = lambda *args, **kwargs: None  # delivered above


def _sns(callbacks: Callbacks) -> None:
    from moto.sns.models import Subscription

    original = Subscription.publish

    def publish(
        self: Any,
        message: str,
        message_id: str,
        subject: str | None = None,
        message_attributes: dict[str, Any] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        message_structure: str | None = None,
    ) -> None:
        if self.protocol != "lambda":
            return original(
                self, message, message_id, subject, message_attributes, group_id, deduplication_id, message_structure
            )
        matcher = self._filter_policy_matcher
        if matcher is not None and not matcher.matches(message_attributes, message):
            return None
        if message_structure == "json":
            message = self._parse_message_structure(message, "lambda")
        callbacks.sns(self, message, message_id, subject, message_attributes)
        return None

    Subscription.publish = publish  # type: ignore[method-assign]


def _events(callbacks: Callbacks) -> None:
    from moto.events.models import Rule

    original = Rule.send_to_targets

    def send_to_targets(self: Any, original_event: Any, transform_input: bool = True) -> None:
        lambdas = [t for t in self.targets if ":lambda:" in str(t.get("Arn", ""))]
        if lambdas and self.event_pattern.matches_event(original_event):
            for target in lambdas:
                callbacks.events(target, original_event)
        if len(lambdas) == len(self.targets):
            return
        kept = self.targets  # the other targets (queues, logs, buses) as moto delivers them
        self.targets = [t for t in kept if t not in lambdas]
        try:
            original(self, original_event, transform_input)
        finally:
            self.targets = kept

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]


def _sqs(callbacks: Callbacks) -> None:
    from moto.sqs.models import SQSBackend

    send_message, send_batch = SQSBackend.send_message, SQSBackend.send_message_batch

    last = [0]
    lock = threading.Lock()

    def sent(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        message = send_message(self, queue_name, *args, **kwargs)
        if queue_name.endswith(".fifo"):
            # SQS numbers every FIFO message, increasing (Lambda's records carry it); moto numbers only
            # those sent with an explicit deduplication id, at random
            with lock:
                last[0] = max(last[0] + 1, 10**19 + time.time_ns())
                message.sequence_number = str(last[0])
        callbacks.queue_changed(queue_name)
        return message

    def sent_batch(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        result = send_batch(self, queue_name, *args, **kwargs)
        callbacks.queue_changed(queue_name)
        return result

    SQSBackend.send_message = sent  # type: ignore[method-assign]
    SQSBackend.send_message_batch = sent_batch  # type: ignore[method-assign]

    def retained(self: Any, queue_name: str, message: Any) -> bool:
        """moto's own check computes every attribute of the queue (its message counts: a pass over all
        its messages) for each message received: 0.7 s a receive with 1,000 messages waiting. The
        same rule, reading the one attribute it needs."""
        period = int(self.get_queue(queue_name).message_retention_period)
        return bool(period + message.sent_timestamp / 1000 > time.time())

    SQSBackend.is_message_valid_based_on_retention_period = retained  # type: ignore[method-assign]


def _dynamodb(callbacks: Callbacks) -> None:
    from moto.dynamodb.models.table import StreamShard

    add = StreamShard.add

    def added(self: Any, old: Any, new: Any) -> None:
        add(self, old, new)
        callbacks.stream_changed(self.table.name)

    StreamShard.add = added  # type: ignore[method-assign]
