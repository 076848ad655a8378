"""The event sources of one project, wired to the emulator's Invoke API."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from lambdaworks.project.model import function_name_of
from lambdaworks.services import hooks, provision, streams
from lambdaworks.services.invoke import LambdaApi, Notifier
from lambdaworks.services.notifications import sequencer, sns_event, target_payload
from lambdaworks.services.process import client
from lambdaworks.services.spec import Spec
from lambdaworks.services.sqs import Poller, mapping_of
from lambdaworks.services.state import StateKeeper
from lambdaworks.services.streams import StreamReader
from lambdaworks.wire.records import s3_event


def function_name(arn: str) -> str:
    """The function a target's ARN names (the project's own: dev configured every Lambda target)."""
    return function_name_of(arn) or arn


class Wiring:
    """Creates the resources, installs the hooks, runs the pollers."""

    def __init__(
        self,
        spec: Spec,
        endpoint: str,
        invoke_url: str,
        stop: threading.Event,
        log: Callable[[str], None],
        keeper: StateKeeper,
    ) -> None:
        self.spec = spec
        self.endpoint = endpoint
        self.stop = stop
        self.log = log
        self.keeper = keeper
        self.api = LambdaApi(invoke_url)
        self.notifier = Notifier(self.api, stop)
        self.pollers: dict[str, list[Poller]] = {}  # queue name -> its pollers
        self.readers: dict[str, list[StreamReader]] = {}  # table name -> its stream readers
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                self._clients[service] = client(service, self.endpoint)
            return self._clients[service]

    def start(self) -> None:
        """Install the hooks and create the resources."""
        hooks.install(
            hooks.Callbacks(
                s3=self.on_s3,
                sns=self.on_sns,
                events=self.on_event,
                queue_changed=self.on_queue,
                stream_changed=self.on_stream,
            )
        )
        provision.Provisioner(self.client, self.log).create(self.spec.resources, self.spec.sources)

    def start_sources(self) -> None:
        """Start the pollers (after READY: the resources exist, and the emulator need not wait for them)."""
        for source in self.spec.sources:
            if source.kind == "SQS":
                mapping = mapping_of(source)
                if not mapping.enabled:
                    continue
                sqs = client("sqs", self.endpoint)  # one per mapping: boto3 clients are not shared across threads
                url = sqs.get_queue_url(QueueName=mapping.queue_name)["QueueUrl"]
                poller = Poller(mapping, sqs, url, self.api, self.stop, self.log)
                self.pollers.setdefault(mapping.queue_name, []).append(poller)
                poller.start()
            elif source.kind == "DynamoDB":
                stream = streams.mapping_of(source)
                if not stream.enabled:
                    continue
                reader = StreamReader(stream, client("dynamodbstreams", self.endpoint), self.api, self.stop, self.log)
                self.readers.setdefault(stream.table, []).append(reader)
                reader.start()

    def close(self) -> None:
        self.notifier.drain()
        self.stop.set()

    # -- hooks ----------------------------------------------------------------------------------

    def on_s3(self, notification_id: str, arn: str, event_name: str, bucket: Any, key: Any) -> None:
        version = key.version_id if getattr(bucket, "is_versioned", False) else None
        event = s3_event(
            bucket.name,
            key.name,
            event_name=event_name,
            size=int(getattr(key, "size", 0) or 0),
            etag=str(getattr(key, "etag", "") or "").strip('"'),
            version_id=str(version) if version else None,
            sequencer=sequencer(),
            configuration_id=notification_id,
        )
        self.notifier.send(function_name(arn), json.dumps(event).encode())

    def on_sns(
        self, subscription: Any, message: str, message_id: str, subject: str | None, attributes: dict[str, Any] | None
    ) -> None:
        event = sns_event(subscription.arn, subscription.topic.arn, message, message_id, subject, attributes)
        self.notifier.send(function_name(subscription.endpoint), json.dumps(event).encode())

    def on_event(self, target: dict[str, Any], event: dict[str, Any]) -> None:
        self.notifier.send(function_name(str(target["Arn"])), target_payload(target, event))

    def on_stream(self, table: str) -> None:
        self.keeper.mark("dynamodb")
        for reader in self.readers.get(table, ()):
            reader.wake.set()

    def on_queue(self, queue_name: str) -> None:
        self.keeper.mark("sqs")  # also when moto itself sent it (from SNS, S3 or a rule)
        for poller in self.pollers.get(queue_name, ()):
            poller.wake.set()
