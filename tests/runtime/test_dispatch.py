"""Non-HTTP events, batch partial failures, the events path, warm-up pings, limits and errors."""

from __future__ import annotations

from typing import Any

import pytest

import lambdaworks
from lambdaworks.runtime import MAX_RESPONSE_BYTES
from lambdaworks.runtime.errors import (
    ConfigurationError,
    EventDeliveryError,
    MalformedEvent,
    UnsupportedEvent,
)
from lambdaworks.testing import LambdaClient, LambdaContext, events
from tests.apps import flask_app

FACTORIES = {
    "s3": events.s3_event,
    "sqs": events.sqs_event,
    "sns": events.sns_event,
    "eventbridge": events.eventbridge_event,
    "schedule": events.schedule_event,
    "dynamodb": events.dynamodb_event,
    "kinesis": events.kinesis_event,
    "cloudwatch-logs": events.cloudwatch_logs_event,
}


@pytest.mark.parametrize("source", sorted(FACTORIES))
def test_on_routes_each_source_to_its_function(source: str) -> None:
    handler = lambdaworks.handler(flask_app.app)
    seen: list[str] = []
    for name in FACTORIES:
        handler.on(name)(lambda event, context, name=name: seen.append(name) or name)
    assert handler(FACTORIES[source](), LambdaContext()) == source
    assert seen == [source]


def test_schedule_falls_back_to_eventbridge_handler() -> None:
    handler = lambdaworks.handler()
    handler.on("eventbridge")(lambda event, context: event["detail-type"])
    assert handler(events.schedule_event(), None) == "Scheduled Event"


def test_predicate_handlers_run_before_http() -> None:
    handler = lambdaworks.handler(flask_app.app)
    handler.on(lambda event: event.get("rawPath") == "/special")(lambda event, context: "intercepted")
    assert handler(events.apigw_v2_event("GET", "/special"), None) == "intercepted"
    assert LambdaClient(handler, "http-v2").get("/hello/x").status == 200


def test_sqs_standard_queue_reports_only_failed_messages() -> None:
    handler = lambdaworks.handler()

    @handler.on("sqs", each_record=True)
    def work(record: dict[str, Any], context: Any) -> None:
        if record["body"].startswith("bad"):
            raise ValueError(record["body"])

    event = events.sqs_event("ok-1", "bad-2", "ok-3", "bad-4")
    ids = [r["messageId"] for r in event["Records"]]
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": ids[1]}, {"itemIdentifier": ids[3]}]}


def test_sqs_fifo_stops_at_first_failure_and_reports_the_rest() -> None:
    handler = lambdaworks.handler()
    done: list[str] = []

    @handler.on("sqs", each_record=True)
    def work(record: dict[str, Any], context: Any) -> None:
        if record["body"] == "bad":
            raise ValueError("bad")
        done.append(record["body"])

    event = events.sqs_event("a", "bad", "c", fifo=True)
    ids = [r["messageId"] for r in event["Records"]]
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": ids[1]}, {"itemIdentifier": ids[2]}]}
    assert done == ["a"]


@pytest.mark.parametrize(
    ("source", "factory", "seq"),
    [
        (
            "kinesis",
            lambda: events.kinesis_event(b"a", b"bad", b"c"),
            lambda r: r["kinesis"]["sequenceNumber"],
        ),
        (
            "dynamodb",
            lambda: events.dynamodb_event({"id": {"S": "a"}}, {"id": {"S": "bad"}}, {"id": {"S": "c"}}),
            lambda r: r["dynamodb"]["SequenceNumber"],
        ),
    ],
)
def test_streams_stop_at_first_failure(source: str, factory: Any, seq: Any) -> None:
    handler = lambdaworks.handler()
    done: list[int] = []

    @handler.on(source, each_record=True)
    def work(record: dict[str, Any], context: Any) -> None:
        # Look at the payload itself: random hex IDs elsewhere in a record may spell "bad".
        image = record.get("dynamodb", {}).get("NewImage", {}).get("id", {}).get("S")
        if image == "bad" or record.get("kinesis", {}).get("data") == "YmFk":
            raise ValueError("bad record")
        done.append(1)

    event = factory()
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": seq(event["Records"][1])}]}
    assert done == [1]


def test_all_good_batch_reports_no_failures() -> None:
    handler = lambdaworks.handler()
    handler.on("sqs", each_record=True)(lambda record, context: None)
    assert handler(events.sqs_event("a", "b"), None) == {"batchItemFailures": []}


def test_each_record_only_for_batch_sources() -> None:
    with pytest.raises(ConfigurationError, match="each_record=True works with sqs"):
        lambdaworks.handler().on("s3", each_record=True)


def test_unknown_source_name() -> None:
    with pytest.raises(ConfigurationError, match="unknown event source 'sqs-queue'"):
        lambdaworks.handler().on("sqs-queue")


def test_unmatched_event_names_the_keys_seen() -> None:
    with pytest.raises(UnsupportedEvent) as info:
        lambdaworks.handler(flask_app.app)({"foo": 1, "bar": 2}, None)
    assert info.value.keys == ["bar", "foo"]
    assert "keys seen: bar, foo" in str(info.value)


def test_known_source_without_handler_says_what_to_register() -> None:
    with pytest.raises(
        UnsupportedEvent, match=r"it is a sqs event but no handler is registered: add @handler.on\('sqs'\)"
    ):
        lambdaworks.handler(flask_app.app)(events.sqs_event("x"), None)


def test_non_dict_event() -> None:
    with pytest.raises(UnsupportedEvent, match="got a list, not a JSON object"):
        lambdaworks.handler(flask_app.app)([1, 2], None)


def test_malformed_http_event() -> None:
    event = events.apigw_v2_event()
    event["requestContext"]["http"] = {"path": "/"}  # no method
    with pytest.raises(MalformedEvent, match="looks like apigw-v2 but is malformed"):
        lambdaworks.handler(flask_app.app)(event, None)


def test_events_path_forwards_unmatched_events_to_the_app() -> None:
    handler = lambdaworks.handler(flask_app.app, events_path="/_events")
    assert handler(events.s3_event(), None) == {"source": "s3", "keys": ["Records"]}
    assert handler({"custom": True}, None) == {"source": "unknown", "keys": ["custom"]}


def test_events_path_error_status_raises_so_lambda_retries() -> None:
    handler = lambdaworks.handler(flask_app.app, events_path="/missing")
    with pytest.raises(EventDeliveryError) as info:
        handler(events.sns_event(), None)
    assert info.value.status == 404


def test_events_path_must_be_absolute() -> None:
    with pytest.raises(ConfigurationError, match="events_path must start with"):
        lambdaworks.handler(flask_app.app, events_path="_events")


@pytest.mark.parametrize("ping", [{"source": "serverless-plugin-warmup"}, {"warmer": True}])
def test_warmup_pings(ping: dict[str, Any]) -> None:
    assert lambdaworks.handler(flask_app.app)(ping, None) == {"warmup": True}
    with pytest.raises(UnsupportedEvent):
        lambdaworks.handler(flask_app.app, warmup=False)(ping, None)


@pytest.mark.parametrize("source", ["apigw-v1", "http-v2", "alb"])
def test_response_over_6mb_is_a_logged_502(source: str, caplog: pytest.LogCaptureFixture) -> None:
    def big(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [b"\0" * (5 * 1024 * 1024)]  # 5 MiB raw is ~6.7 MiB once base64-encoded

    response = LambdaClient(lambdaworks.handler(big), source).get("/")
    assert response.status == 502
    assert response.json() == {"message": "Internal server error"}
    assert f"over Lambda's limit of {MAX_RESPONSE_BYTES:,} bytes" in caplog.text


def test_response_just_under_the_limit_is_served() -> None:
    def fits(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"x" * (MAX_RESPONSE_BYTES - 1000)]

    response = LambdaClient(lambdaworks.handler(fits), "http-v2").get("/")
    assert response.status == 200
    assert len(response.content) == MAX_RESPONSE_BYTES - 1000


def test_context_and_event_reach_the_app() -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(context=environ["lambda.context"], event=environ["lambda.event"])
        start_response("204 No Content", [])
        return []

    context = LambdaContext(function_name="fn")
    event = events.apigw_v2_event()
    assert lambdaworks.handler(app)(event, context)["statusCode"] == 204
    assert seen == {"context": context, "event": event}


def test_asgi_scope_carries_context_and_event() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.update(context=scope["aws.context"], event=scope["aws.event"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    context = LambdaContext()
    event = events.alb_event()
    lambdaworks.handler(app, lifespan="off")(event, context)
    assert seen == {"context": context, "event": event}


def test_handler_options_are_validated() -> None:
    with pytest.raises(ConfigurationError, match="interface must be"):
        lambdaworks.handler(flask_app.app, interface="cgi")
    with pytest.raises(ConfigurationError, match="unknown HTTP source"):
        lambdaworks.handler(flask_app.app, source="apigw-v3")


def test_pinned_source_only_accepts_that_source() -> None:
    handler = lambdaworks.handler(flask_app.app, source="alb")
    assert LambdaClient(handler, "alb").get("/hello/a").status == 200
    with pytest.raises(UnsupportedEvent):
        handler(events.apigw_v2_event(), None)


def test_text_media_types_option_and_custom_rule() -> None:
    def vendor(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/vnd.acme")])
        return [b"plain words"]

    assert LambdaClient(lambdaworks.handler(vendor), "http-v2").get("/").result["isBase64Encoded"] is True
    handler = lambdaworks.handler(vendor, text_media_types=["application/vnd.acme"])
    assert LambdaClient(handler, "http-v2").get("/").result == {
        "statusCode": 200,
        "headers": {"Content-Type": "application/vnd.acme"},
        "body": "plain words",
        "isBase64Encoded": False,
    }
    always = lambdaworks.handler(vendor, is_binary=lambda content_type, content_encoding: True)
    assert LambdaClient(always, "http-v2").get("/").result["body"] == "cGxhaW4gd29yZHM="


def test_gzip_text_is_sent_as_base64() -> None:
    import gzip

    def zipped(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
        return [gzip.compress(b'{"a": 1}')]

    response = LambdaClient(lambdaworks.handler(zipped), "apigw-v1").get("/")
    assert response.result["isBase64Encoded"] is True
    assert gzip.decompress(response.content) == b'{"a": 1}'
