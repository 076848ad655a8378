"""The one vocabulary of event source names, and the factory that builds each source's event."""

from __future__ import annotations

from typing import Any

from lambdaworks.wire.alb import alb_event
from lambdaworks.wire.function_url import function_url_event
from lambdaworks.wire.http_api import apigw_v2_event, http_v1_event
from lambdaworks.wire.records import (
    cloudwatch_logs_event,
    dynamodb_event,
    eventbridge_event,
    kinesis_event,
    s3_event,
    schedule_event,
    sns_event,
    sqs_event,
)
from lambdaworks.wire.rest import apigw_v1_event

#: HTTP sources by name (``rest`` is another name of ``apigw-v1``).
HTTP_SOURCES = ("apigw-v1", "http-v1", "apigw-v2", "http-v2", "function-url", "alb", "alb-multi")
OTHER_SOURCES = ("s3", "sqs", "sns", "eventbridge", "schedule", "dynamodb", "kinesis", "cloudwatch-logs")


_HTTP_FACTORIES: dict[str, Any] = {
    "apigw-v1": apigw_v1_event,
    "rest": apigw_v1_event,
    "http-v1": http_v1_event,
    "apigw-v2": apigw_v2_event,
    "http-v2": apigw_v2_event,
    "function-url": function_url_event,
    "alb": alb_event,
    "alb-multi": lambda *a, **k: alb_event(*a, multi_value=True, **k),
}


def make_http_event(source: str, method: str = "GET", path: str = "/", **kwargs: Any) -> dict[str, Any]:
    """Build an HTTP event for ``source`` (one of :data:`HTTP_SOURCES`, or ``"rest"``)."""
    try:
        factory = _HTTP_FACTORIES[source]
    except KeyError:
        raise ValueError(f"unknown HTTP source {source!r}; choose from {', '.join(HTTP_SOURCES)}") from None
    return factory(method, path, **kwargs)  # type: ignore[no-any-return]


def make_event(source: str, **kwargs: Any) -> dict[str, Any]:
    """Build an event for any source name (HTTP or not) with the factory defaults."""
    if source in _HTTP_FACTORIES:
        return make_http_event(source, **kwargs)
    factories: dict[str, Any] = {
        "s3": s3_event,
        "sqs": sqs_event,
        "sns": sns_event,
        "eventbridge": eventbridge_event,
        "schedule": schedule_event,
        "dynamodb": dynamodb_event,
        "kinesis": kinesis_event,
        "cloudwatch-logs": cloudwatch_logs_event,
    }
    if source not in factories:
        raise ValueError(f"unknown event source {source!r}; choose from {', '.join(HTTP_SOURCES + OTHER_SOURCES)}")
    return factories[source](**kwargs)  # type: ignore[no-any-return]
