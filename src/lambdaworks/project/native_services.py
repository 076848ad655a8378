"""The native config's AWS resources and event sources, as the CloudFormation and SAM shapes a
template would give them, so the local services and ``deploy`` read them as they read a template's::

    [resources.uploads]             # logical ID Uploads: ${Uploads} in env is its name
    type = "bucket"                 # bucket | queue | topic | table | bus

    [resources.jobs]
    type = "queue"
    visibility_timeout = 30
    dead_letter = "jobs-dlq"        # another queue here; max_receive_count = 3 unless given

    [resources.files]
    type = "table"
    key = "id"                      # or { name = "id", type = "S" | "N" | "B" }
    stream = "new_and_old_images"   # new_image | old_image | new_and_old_images | keys_only

    [functions.processor]
    events = [
      { s3 = "uploads", events = ["s3:ObjectCreated:*"], prefix = "incoming/" },
      { sqs = "jobs", batch_size = 10, report_failures = true },
      { sns = "alerts", filter = { severity = ["high"] } },
      { dynamodb = "files", starting_position = "TRIM_HORIZON", retries = 2, bisect = true },
      { eventbridge = { source = ["shop"] }, bus = "orders", input_path = "$.detail" },
    ]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lambdaworks.project.model import EventSource, frozen_map
from lambdaworks.project.names import pascal
from lambdaworks.project.services import BUCKET, BUS, QUEUE, TABLE, TOPIC

if TYPE_CHECKING:
    from lambdaworks.project.native import Config

TYPES = {"bucket": BUCKET, "queue": QUEUE, "topic": TOPIC, "table": TABLE, "bus": BUS}
RESOURCE_KEYS = {
    "bucket": ("type", "name", "versioning"),
    "queue": ("type", "name", "fifo", "visibility_timeout", "retention", "delay", "dead_letter", "max_receive_count"),
    "topic": ("type", "name", "fifo"),
    "table": ("type", "name", "key", "sort_key", "stream", "ttl"),
    "bus": ("type", "name"),
}
NAME_PROPERTY = {
    "bucket": "BucketName",
    "queue": "QueueName",
    "topic": "TopicName",
    "table": "TableName",
    "bus": "Name",
}
EVENT_KEYS = {
    "s3": ("s3", "events", "prefix", "suffix"),
    "sqs": ("sqs", "batch_size", "window", "report_failures", "max_concurrency", "enabled"),
    "sns": ("sns", "filter", "filter_scope"),
    "dynamodb": ("dynamodb", "starting_position", "batch_size", "retries", "bisect", "report_failures"),
    "eventbridge": ("eventbridge", "bus", "input", "input_path"),
}
#: The resource type each event source reads, and SAM's event type for it.
EVENT_RESOURCE = {"s3": "bucket", "sqs": "queue", "sns": "topic", "dynamodb": "table", "eventbridge": "bus"}
SAM_TYPE = {"s3": "S3", "sqs": "SQS", "sns": "SNS", "dynamodb": "DynamoDB", "eventbridge": "EventBridgeRule"}
STREAM_VIEWS = {
    "new_image": "NEW_IMAGE",
    "old_image": "OLD_IMAGE",
    "new_and_old_images": "NEW_AND_OLD_IMAGES",
    "keys_only": "KEYS_ONLY",
}


def get_att(logical: str, attribute: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical, attribute]}


class NativeServices:
    """Reads ``[resources]`` and each function's ``events`` of one native config."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.kinds: dict[str, str] = {}  # resource name -> its kind (bucket, queue, ...)

    def logical(self, name: str) -> str:
        return pascal(name)

    def resources(self, declared: Any) -> dict[str, dict[str, Any]]:
        """``[resources]`` as CloudFormation resources, by logical ID."""
        config = self.config
        declared = config.table(declared, "resources")
        for name, given in declared.items():
            kind = config.table(given, f"resources.{name}").get("type")
            if kind not in TYPES:
                raise config.error(f"resources.{name}.type", f"expected one of {', '.join(TYPES)}, got {kind!r}")
            self.kinds[name] = kind
        found = {}
        for name, given in declared.items():
            kind = self.kinds[name]
            where = f"resources.{name}"
            spec = config.table(given, where, RESOURCE_KEYS[kind])
            props: dict[str, Any] = {}
            if "name" in spec:
                props[NAME_PROPERTY[kind]] = config.typed(spec["name"], str, f"{where}.name", "a name")
            getattr(self, f"_{kind}")(where, spec, props)
            found[self.logical(name)] = {"Type": TYPES[kind], "Properties": props}
        return found

    def _bucket(self, where: str, spec: dict[str, Any], props: dict[str, Any]) -> None:
        if self.config.typed(spec.get("versioning", False), bool, f"{where}.versioning", "true/false"):
            props["VersioningConfiguration"] = {"Status": "Enabled"}

    def _queue(self, where: str, spec: dict[str, Any], props: dict[str, Any]) -> None:
        typed = self.config.typed
        for key, prop in (
            ("visibility_timeout", "VisibilityTimeout"),
            ("retention", "MessageRetentionPeriod"),
            ("delay", "DelaySeconds"),
        ):
            if key in spec:
                props[prop] = typed(spec[key], int, f"{where}.{key}", "seconds")
        if typed(spec.get("fifo", False), bool, f"{where}.fifo", "true/false"):
            props["FifoQueue"] = True
        if "dead_letter" in spec:
            target = self.resource(spec["dead_letter"], "queue", f"{where}.dead_letter")
            count = typed(spec.get("max_receive_count", 3), int, f"{where}.max_receive_count", "a count")
            props["RedrivePolicy"] = {"deadLetterTargetArn": get_att(target, "Arn"), "maxReceiveCount": count}

    def _topic(self, where: str, spec: dict[str, Any], props: dict[str, Any]) -> None:
        if self.config.typed(spec.get("fifo", False), bool, f"{where}.fifo", "true/false"):
            props["FifoTopic"] = True

    def _table(self, where: str, spec: dict[str, Any], props: dict[str, Any]) -> None:
        keys = [("HASH", spec.get("key", "id"))] + ([("RANGE", spec["sort_key"])] if "sort_key" in spec else [])
        definitions, schema = [], []
        for role, given in keys:
            name, kind = (given, "S") if isinstance(given, str) else (given.get("name"), given.get("type", "S"))
            if not isinstance(name, str) or kind not in ("S", "N", "B"):
                raise self.config.error(f"{where}.key", "expected a name, or { name = ..., type = S | N | B }")
            definitions.append({"AttributeName": name, "AttributeType": kind})
            schema.append({"AttributeName": name, "KeyType": role})
        props.update(AttributeDefinitions=definitions, KeySchema=schema, BillingMode="PAY_PER_REQUEST")
        if "stream" in spec:
            view = STREAM_VIEWS.get(str(spec["stream"]))
            if view is None:
                raise self.config.error(f"{where}.stream", f"expected one of {', '.join(STREAM_VIEWS)}")
            props["StreamSpecification"] = {"StreamViewType": view}
        if "ttl" in spec:
            attribute = self.config.typed(spec["ttl"], str, f"{where}.ttl", "an attribute name")
            props["TimeToLiveSpecification"] = {"AttributeName": attribute, "Enabled": True}

    def _bus(self, where: str, spec: dict[str, Any], props: dict[str, Any]) -> None:
        props.setdefault("Name", where.split(".", 1)[1])  # CloudFormation needs a bus's name

    def resource(self, name: Any, kind: str, where: str) -> str:
        """The logical ID of resource ``name``, which must be a ``kind``."""
        if self.kinds.get(name) != kind:
            known = [n for n, k in self.kinds.items() if k == kind]
            raise self.config.error(
                where, f"no {kind} {name!r} in [resources] (its {kind}s: {', '.join(known) or 'none'})"
            )
        return self.logical(name)

    def events(self, function: str, declared: Any) -> list[EventSource]:
        """A function's ``events`` as SAM event sources (properties with intrinsics, unresolved)."""
        where = f"functions.{function}.events"
        found = []
        for index, given in enumerate(self.config.typed(declared, list, where, "a list of event tables")):
            spec = self.config.table(given, f"{where}[{index}]")
            kinds = [key for key in EVENT_KEYS if key in spec]
            if len(kinds) != 1:
                raise self.config.error(f"{where}[{index}]", f"needs exactly one of {', '.join(EVENT_KEYS)}")
            kind = kinds[0]
            spec = self.config.table(given, f"{where}[{index}]", EVENT_KEYS[kind])
            props = getattr(self, f"_{kind}_event")(f"{where}[{index}]", spec)
            found.append(EventSource(f"{SAM_TYPE[kind]}Event{index + 1}", SAM_TYPE[kind], frozen_map(props)))
        return found

    def _s3_event(self, where: str, spec: dict[str, Any]) -> dict[str, Any]:
        events = spec.get("events", ["s3:ObjectCreated:*"])
        props: dict[str, Any] = {
            "Bucket": {"Ref": self.resource(spec["s3"], "bucket", f"{where}.s3")},
            "Events": [events] if isinstance(events, str) else list(events),
        }
        rules = [{"Name": key, "Value": spec[key]} for key in ("prefix", "suffix") if key in spec]
        if rules:
            props["Filter"] = {"S3Key": {"Rules": rules}}
        return props

    def _sqs_event(self, where: str, spec: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = {"Queue": get_att(self.resource(spec["sqs"], "queue", f"{where}.sqs"), "Arn")}
        for key, prop in (
            ("batch_size", "BatchSize"),
            ("window", "MaximumBatchingWindowInSeconds"),
            ("enabled", "Enabled"),
        ):
            if key in spec:
                props[prop] = spec[key]
        if spec.get("report_failures"):
            props["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
        if "max_concurrency" in spec:
            props["ScalingConfig"] = {"MaximumConcurrency": spec["max_concurrency"]}
        return props

    def _sns_event(self, where: str, spec: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = {"Topic": {"Ref": self.resource(spec["sns"], "topic", f"{where}.sns")}}
        if "filter" in spec:
            props["FilterPolicy"] = self.config.table(spec["filter"], f"{where}.filter")
        if "filter_scope" in spec:
            props["FilterPolicyScope"] = spec["filter_scope"]
        return props

    def _dynamodb_event(self, where: str, spec: dict[str, Any]) -> dict[str, Any]:
        table = self.resource(spec["dynamodb"], "table", f"{where}.dynamodb")
        props: dict[str, Any] = {
            "Stream": get_att(table, "StreamArn"),
            "StartingPosition": spec.get("starting_position", "LATEST"),
        }
        for key, prop in (
            ("batch_size", "BatchSize"),
            ("retries", "MaximumRetryAttempts"),
            ("bisect", "BisectBatchOnFunctionError"),
        ):
            if key in spec:
                props[prop] = spec[key]
        if spec.get("report_failures"):
            props["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
        return props

    def _eventbridge_event(self, where: str, spec: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = {"Pattern": self.config.table(spec["eventbridge"], f"{where}.eventbridge")}
        bus = spec.get("bus", "default")
        if bus != "default":
            props["EventBusName"] = {"Ref": self.resource(bus, "bus", f"{where}.bus")}
        for key, prop in (("input", "Input"), ("input_path", "InputPath")):
            if key in spec:
                props[prop] = spec[key]
        return props
