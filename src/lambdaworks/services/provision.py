"""Creates the template's resources in the local services, through their own APIs (boto3), as
CloudFormation would: queues before the queues that name them as their dead-letter queue, buckets
with their notification configuration, topics with their subscriptions, rules with their targets.

A resource that already exists (the state kept from the last run) is left as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lambdaworks.project.model import function_arn
from lambdaworks.project.services import QUEUE_ATTRIBUTES, TABLE_KEYS
from lambdaworks.services.spec import Resource, Source


class Provisioner:
    """Creates resources with boto3 ``clients(service)`` bound to the local endpoint."""

    def __init__(self, clients: Callable[[str], Any], log: Callable[[str], None]) -> None:
        self.clients = clients
        self.log = log

    def create(self, resources: Iterable[Resource], sources: Iterable[Source]) -> None:
        resources, sources = list(resources), list(sources)
        order = {"AWS::SQS::Queue": 0, "AWS::SNS::Topic": 1, "AWS::S3::Bucket": 2, "AWS::Events::EventBus": 3}
        queues_first = sorted(resources, key=lambda r: (order.get(r.type, 4), "RedrivePolicy" in r.properties))
        for resource in queues_first:
            try:
                getattr(self, "_" + resource.type.split("::")[-1].lower())(resource, sources)
            except Exception as exc:
                self.log(f"{resource.logical_id}: not created locally: {exc}")
        for source in sources:
            try:
                self._wire(source, resources)
            except Exception as exc:
                self.log(f"{source.function}.{source.name}: not wired: {exc}")

    # -- resources --------------------------------------------------------------------------------

    def _queue(self, resource: Resource, sources: list[Source]) -> None:
        props = resource.properties
        attributes = {k: _text(props[k]) for k in QUEUE_ATTRIBUTES if k in props}
        for key in ("RedrivePolicy", "RedriveAllowPolicy"):
            if key in props:
                attributes[key] = props[key] if isinstance(props[key], str) else json.dumps(props[key])
        client = self.clients("sqs")
        client.create_queue(QueueName=resource.name, Attributes=attributes)

    def _bucket(self, resource: Resource, sources: list[Source]) -> None:
        client = self.clients("s3")
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        if resource.name not in existing:
            client.create_bucket(Bucket=resource.name)
        props = resource.properties
        if (props.get("VersioningConfiguration") or {}).get("Status") == "Enabled":
            client.put_bucket_versioning(Bucket=resource.name, VersioningConfiguration={"Status": "Enabled"})
        if props.get("CorsConfiguration"):
            rules = [
                {k: v for k, v in rule.items() if k != "Id"} for rule in props["CorsConfiguration"].get("CorsRules", [])
            ]
            client.put_bucket_cors(Bucket=resource.name, CORSConfiguration={"CORSRules": rules})
        self._bucket_notifications(resource, sources)

    def _bucket_notifications(self, resource: Resource, sources: list[Source]) -> None:
        """The template's own ``NotificationConfiguration`` and the functions' ``S3`` events, as S3's
        notification configuration (SAM writes the events there too)."""
        config = resource.properties.get("NotificationConfiguration") or {}
        lambdas = _notifications(config, "LambdaConfigurations", "Function", "LambdaFunctionArn")
        for source in sources:
            if source.kind == "S3" and source.properties.get("Bucket") == resource.name:
                events = source.properties.get("Events") or ()
                entry: dict[str, Any] = {
                    "Id": f"{source.function}{source.name}",
                    "LambdaFunctionArn": function_arn(source.function),
                    "Events": [events] if isinstance(events, str) else list(events),
                }
                if source.properties.get("Filter"):
                    entry["Filter"] = _s3_filter(source.properties["Filter"])
                lambdas.append(entry)
        queues = _notifications(config, "QueueConfigurations", "Queue", "QueueArn")
        topics = _notifications(config, "TopicConfigurations", "Topic", "TopicArn")
        if lambdas or queues or topics:
            self.clients("s3").put_bucket_notification_configuration(
                Bucket=resource.name,
                NotificationConfiguration={
                    "LambdaFunctionConfigurations": lambdas,
                    "QueueConfigurations": queues,
                    "TopicConfigurations": topics,
                },
            )

    def _topic(self, resource: Resource, sources: list[Source]) -> None:
        props = resource.properties
        attributes = {
            k: _text(props[k]) for k in ("FifoTopic", "ContentBasedDeduplication", "DisplayName") if k in props
        }
        client = self.clients("sns")
        arn = client.create_topic(Name=resource.name, Attributes=attributes)["TopicArn"]
        for subscription in props.get("Subscription") or ():
            client.subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])

    def _table(self, resource: Resource, sources: list[Source]) -> None:
        client = self.clients("dynamodb")
        if resource.name in client.list_tables().get("TableNames", []):
            return
        props = {k: resource.properties[k] for k in TABLE_KEYS if k in resource.properties}
        props.setdefault("BillingMode", "PROVISIONED" if "ProvisionedThroughput" in props else "PAY_PER_REQUEST")
        if "StreamSpecification" in props:
            props["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        client.create_table(TableName=resource.name, **_numbers(props))
        ttl = resource.properties.get("TimeToLiveSpecification")
        if ttl and str(ttl.get("Enabled")).lower() == "true":
            client.update_time_to_live(
                TableName=resource.name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )

    _simpletable = _table

    def _eventbus(self, resource: Resource, sources: list[Source]) -> None:
        client = self.clients("events")
        names = {b["Name"] for b in client.list_event_buses().get("EventBuses", [])}
        if resource.name not in names:
            client.create_event_bus(Name=resource.name)

    def _rule(self, resource: Resource, sources: list[Source]) -> None:
        props = resource.properties
        self._put_rule(
            resource.name,
            props.get("EventPattern"),
            props.get("EventBusName"),
            props.get("State", "ENABLED"),
            [
                {k: v for k, v in t.items() if k in ("Id", "Arn", "Input", "InputPath", "InputTransformer")}
                for t in props.get("Targets") or ()
            ],
            props.get("ScheduleExpression"),
        )

    def _put_rule(
        self,
        name: str,
        pattern: Any,
        bus: Any,
        state: Any,
        targets: list[dict[str, Any]],
        schedule: Any = None,
    ) -> None:
        client = self.clients("events")
        bus_name = str(bus or "default").rsplit("/", 1)[-1]
        arguments: dict[str, Any] = {"Name": name, "EventBusName": bus_name, "State": str(state or "ENABLED")}
        if pattern is not None:
            arguments["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
        if schedule is not None:
            arguments["ScheduleExpression"] = schedule
        client.put_rule(**arguments)
        if targets:
            client.put_targets(Rule=name, EventBusName=bus_name, Targets=targets)

    # -- event sources ----------------------------------------------------------------------------

    def _wire(self, source: Source, resources: list[Resource]) -> None:
        props = source.properties
        if source.kind == "SNS":
            attributes = {}
            if props.get("FilterPolicy") is not None:
                attributes["FilterPolicy"] = json.dumps(props["FilterPolicy"])
            if props.get("FilterPolicyScope"):
                attributes["FilterPolicyScope"] = str(props["FilterPolicyScope"])
            self.clients("sns").subscribe(
                TopicArn=props["Topic"],
                Protocol="lambda",
                Endpoint=function_arn(source.function),
                Attributes=attributes,
            )
        elif source.kind in ("EventBridgeRule", "CloudWatchEvent"):
            target: dict[str, Any] = {
                "Id": str((props.get("Target") or {}).get("Id") or f"{source.function}{source.name}Target"),
                "Arn": function_arn(source.function),
            }
            for key in ("Input", "InputPath", "InputTransformer"):
                if props.get(key) is not None:
                    target[key] = props[key]
            self._put_rule(
                str(props.get("RuleName") or f"{source.function}{source.name}"),
                props.get("Pattern"),
                props.get("EventBusName"),
                props.get("State", "ENABLED"),
                [target],
            )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _notifications(config: Mapping[str, Any], key: str, target: str, api_target: str) -> list[dict[str, Any]]:
    """A CloudFormation bucket's ``key`` notifications (one event each) as S3's API takes them."""
    return [
        {
            api_target: c[target],
            "Events": [c["Event"]],
            **({"Filter": _s3_filter(c["Filter"])} if c.get("Filter") else {}),
        }
        for c in config.get(key) or ()
    ]


def _s3_filter(spec: Mapping[str, Any]) -> dict[str, Any]:
    rules = (spec.get("S3Key") or {}).get("Rules") or ()
    return {"Key": {"FilterRules": [{"Name": str(r["Name"]).lower(), "Value": r["Value"]} for r in rules]}}


def _numbers(value: Any) -> Any:
    """CloudFormation takes numbers as strings too; the API wants integers (ReadCapacityUnits...)."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value
