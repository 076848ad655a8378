"""The AWS resources around the functions that ``dev`` runs locally: buckets, queues, topics, tables
and event buses, with the names and attributes CloudFormation would give them.

A resource keeps the name its template gives (``BucketName``, ``QueueName``, ``TopicName``,
``TableName``, ``Name``); without one, CloudFormation makes ``{stack}-{LogicalId}-{SUFFIX}``
(lower case for a bucket, ``.fifo`` kept for a FIFO queue). The suffix here is derived from the
project's folder and the logical id, so a name is the same at every start and the local state
stays reachable. ``Ref`` and ``Fn::GetAtt`` of these resources resolve to the local values
(:meth:`ServiceResource.attributes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lambdaworks.project.intrinsics import STACK, Resolver
from lambdaworks.wire.common import ACCOUNT, REGION

BUCKET = "AWS::S3::Bucket"
QUEUE = "AWS::SQS::Queue"
TOPIC = "AWS::SNS::Topic"
TABLE = "AWS::DynamoDB::Table"
SIMPLE_TABLE = "AWS::Serverless::SimpleTable"
RULE = "AWS::Events::Rule"
BUS = "AWS::Events::EventBus"
#: The resource types the local services create, and the property holding each one's name.
NAME_PROPERTY = {
    BUCKET: "BucketName",
    QUEUE: "QueueName",
    TOPIC: "TopicName",
    TABLE: "TableName",
    SIMPLE_TABLE: "TableName",
    RULE: "Name",
    BUS: "Name",
}
ENDPOINT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566  # the port local AWS tools use
STREAM_LABEL = "1970-01-01T00:00:00.000"  # a table's stream: one label at every start


@dataclass(frozen=True)
class ServiceResource:
    """One resource of the template that the local services create."""

    logical_id: str
    type: str
    name: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    source: Mapping[str, Any] = field(default_factory=dict)  # the resource as the template has it (intrinsics)

    @property
    def arn(self) -> str:
        if self.type == BUCKET:
            return f"arn:aws:s3:::{self.name}"
        if self.type == QUEUE:
            return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{self.name}"
        if self.type == TOPIC:
            return f"arn:aws:sns:{REGION}:{ACCOUNT}:{self.name}"
        if self.type in (TABLE, SIMPLE_TABLE):
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{self.name}"
        if self.type == RULE:
            bus = str(self.properties.get("EventBusName") or "default")
            bus = bus.rsplit("/", 1)[-1]
            return f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{self.name if bus == 'default' else bus + '/' + self.name}"
        return f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{self.name}"

    def attributes(self, port: int) -> dict[str, str]:
        """``Ref`` and every ``Fn::GetAtt`` attribute, as the local services answer them."""
        endpoint = f"http://{ENDPOINT_HOST}:{port}"
        values = {"Arn": self.arn}
        if self.type == BUCKET:
            values.update(
                Ref=self.name,
                DomainName=f"{self.name}.s3.amazonaws.com",
                RegionalDomainName=f"{self.name}.s3.{REGION}.amazonaws.com",
                WebsiteURL=f"http://{self.name}.s3-website-{REGION}.amazonaws.com",
            )
        elif self.type == QUEUE:
            url = f"{endpoint}/{ACCOUNT}/{self.name}"
            values.update(Ref=url, QueueUrl=url, QueueName=self.name)
        elif self.type == TOPIC:
            values.update(Ref=self.arn, TopicArn=self.arn, TopicName=self.name)
        elif self.type in (TABLE, SIMPLE_TABLE, RULE):
            values.update(Ref=self.name)
            if self.properties.get("StreamSpecification"):  # the local services find the table by name
                values["StreamArn"] = f"{self.arn}/stream/{STREAM_LABEL}"
        else:
            values.update(Ref=self.name, Name=self.name)
        return values


def generated_name(root: str, logical_id: str, kind: str, properties: Mapping[str, Any]) -> str:
    """The name CloudFormation would make for a resource whose template gives none (stable here)."""
    import hashlib  # only for a project with AWS resources

    suffix = hashlib.sha256(f"{root}\0{logical_id}".encode()).hexdigest()[:12].upper()
    fifo = kind == QUEUE and str(properties.get("FifoQueue", "")).lower() == "true"
    if kind == BUCKET:
        return f"{STACK}-{logical_id}-{suffix}".lower()[:63]
    if kind == QUEUE:  # at most 80 characters, ".fifo" included
        return f"{STACK}-{logical_id}"[: 80 - 13 - (5 if fifo else 0)] + f"-{suffix}" + (".fifo" if fifo else "")
    return f"{STACK}-{logical_id}-{suffix}"


@dataclass(frozen=True)
class LocalServices:
    """What the loader needs to know of the running local services."""

    port: int = DEFAULT_PORT


NO_SERVICES = LocalServices()


def service_resources(
    root: str, resources: Mapping[str, Any], resolver: Resolver, local: LocalServices
) -> dict[str, ServiceResource]:
    """The template's resources the local services create, by logical id. Their names come first,
    then their properties, so one may refer to another (a queue's RedrivePolicy to its DLQ's Arn);
    ``resolver`` learns their attributes as it goes."""
    found = {}
    for logical_id, resource in resources.items():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if kind not in NAME_PROPERTY or not isinstance(resource, dict):
            continue
        if "Condition" in resource and not resolver.condition(resource["Condition"], logical_id):
            continue
        raw = resource.get("Properties") or {}
        name = resolver.resolve(raw.get(NAME_PROPERTY[kind]), f"{logical_id}.{NAME_PROPERTY[kind]}")
        if kind == SIMPLE_TABLE and not name:
            name = None
        if not isinstance(name, str) or not name:
            name = generated_name(root, logical_id, str(kind), raw)
        found[logical_id] = ServiceResource(logical_id, str(kind), name, {})
        resolver.attributes[logical_id] = found[logical_id].attributes(local.port)
    for logical_id, service in found.items():
        properties = resolver.resolve(resources[logical_id].get("Properties") or {}, logical_id)
        if service.type == SIMPLE_TABLE:
            properties = simple_table(properties)
        found[logical_id] = replace(service, properties=properties, source=resources[logical_id])
        resolver.attributes[logical_id] = found[logical_id].attributes(local.port)
    return found


def simple_table(properties: Mapping[str, Any]) -> dict[str, Any]:
    """``AWS::Serverless::SimpleTable`` as the ``AWS::DynamoDB::Table`` SAM makes of it."""
    key = properties.get("PrimaryKey") or {"Name": "id", "Type": "String"}
    kind = {"String": "S", "Number": "N", "Binary": "B"}.get(str(key.get("Type")), "S")
    table: dict[str, Any] = {
        "AttributeDefinitions": [{"AttributeName": key.get("Name", "id"), "AttributeType": kind}],
        "KeySchema": [{"AttributeName": key.get("Name", "id"), "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if properties.get("TableName"):
        table["TableName"] = properties["TableName"]
    if properties.get("ProvisionedThroughput"):
        table["ProvisionedThroughput"] = properties["ProvisionedThroughput"]
        table["BillingMode"] = "PROVISIONED"
    if properties.get("SSESpecification"):
        table["SSESpecification"] = properties["SSESpecification"]
    return table


#: The properties of each resource type the local services create it with (the rest: a warning).
#: The queue properties that are SQS queue attributes (set with CreateQueue's Attributes).
QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "KmsMasterKeyId",
    "SqsManagedSseEnabled",
)
#: The table properties CreateTable takes as they are.
TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "BillingMode",
    "ProvisionedThroughput",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "StreamSpecification",
    "SSESpecification",
    "TableClass",
    "DeletionProtectionEnabled",
)
#: The properties of each resource type the local services create it with (the rest: a warning).
RESOURCE_PROPERTIES = {
    BUCKET: {"BucketName", "VersioningConfiguration", "CorsConfiguration", "NotificationConfiguration", "Tags"},
    QUEUE: {"QueueName", *QUEUE_ATTRIBUTES, "RedrivePolicy", "RedriveAllowPolicy", "Tags"},
    TOPIC: {"TopicName", "FifoTopic", "ContentBasedDeduplication", "DisplayName", "Subscription", "Tags"},
    TABLE: {"TableName", *TABLE_KEYS, "TimeToLiveSpecification", "Tags"},
    SIMPLE_TABLE: {"TableName", "PrimaryKey", "ProvisionedThroughput", "SSESpecification", "Tags"},
    RULE: {"Name", "EventPattern", "EventBusName", "State", "Targets", "ScheduleExpression", "Description"},
    BUS: {"Name", "Tags", "Description"},
}


def resource_problems(logical_id: str, kind: str, properties: Mapping[str, Any]) -> list[str]:
    """What of a resource's properties the local services do not apply, one warning each."""
    known = RESOURCE_PROPERTIES.get(kind, set())
    return [f"{logical_id}: {kind} property {key} is not emulated locally" for key in properties if key not in known]


#: The properties of each event source type the local services implement (SAM's names).
SOURCE_PROPERTIES = {
    "S3": {"Bucket", "Events", "Filter"},
    "SQS": {
        "Queue",
        "BatchSize",
        "MaximumBatchingWindowInSeconds",
        "FunctionResponseTypes",
        "ScalingConfig",
        "Enabled",
    },
    "SNS": {"Topic", "FilterPolicy", "FilterPolicyScope"},
    "EventBridgeRule": {"Pattern", "EventBusName", "Input", "InputPath", "Target", "RuleName", "State"},
    "CloudWatchEvent": {"Pattern", "EventBusName", "Input", "InputPath", "State"},
    "DynamoDB": {
        "Stream",
        "StartingPosition",
        "BatchSize",
        "MaximumRetryAttempts",
        "BisectBatchOnFunctionError",
        "FunctionResponseTypes",
        "Enabled",
    },
}


#: The property naming the resource an event source reads, and the attribute it must equal.
SOURCE_RESOURCE = {
    "S3": ("Bucket", "Ref"),
    "SQS": ("Queue", "Arn"),
    "SNS": ("Topic", "Arn"),
    "DynamoDB": ("Stream", "StreamArn"),
}


def source_problems(
    kind: str, properties: Mapping[str, Any], services: Mapping[str, ServiceResource], port: int = DEFAULT_PORT
) -> list[str]:
    """What of an event source the local services do not do, one warning each."""
    known = SOURCE_PROPERTIES.get(kind)
    if known is None:
        return [f"{kind} events are not triggered by this version of the emulator"]
    problems = [f"{kind} event property {key} is not emulated locally" for key in properties if key not in known]
    if kind in SOURCE_RESOURCE:
        key, attribute = SOURCE_RESOURCE[kind]
        values = {service.attributes(port).get(attribute) for service in services.values()}
        if properties.get(key) not in values:
            problems.append(
                f"{kind} event: {key} {properties.get(key)} is not declared in this template, so nothing "
                "triggers it locally (declare it, or invoke the function with lambdaworks invoke)"
            )
    return problems
