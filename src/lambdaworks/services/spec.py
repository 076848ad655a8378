"""What the emulator hands the services process: the resources to create and the event sources to
wire, as JSON (the one thing both processes import)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

#: The event source types the local services wire to functions.
SOURCE_KINDS = ("S3", "SQS", "SNS", "DynamoDB", "EventBridgeRule", "CloudWatchEvent")


@dataclass(frozen=True)
class Resource:
    logical_id: str
    type: str
    name: str
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One function's event source: ``kind`` is SAM's event type; ``properties`` are resolved."""

    function: str
    name: str
    kind: str
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Spec:
    resources: tuple[Resource, ...] = ()
    sources: tuple[Source, ...] = ()

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: str) -> Spec:
        raw = json.loads(text)
        return cls(
            resources=tuple(Resource(**r) for r in raw.get("resources", ())),
            sources=tuple(Source(**s) for s in raw.get("sources", ())),
        )
