"""Factories for valid Lambda events, shaped as AWS sends them.

HTTP: :func:`apigw_v1_event` (REST API), :func:`http_v1_event` (HTTP API payload 1.0),
:func:`apigw_v2_event` (HTTP API payload 2.0), :func:`function_url_event`, :func:`alb_event`
(single- or multi-value headers). Each takes method, path, query, headers, body and cookies,
plus a stage and a custom-domain base path where the source has them, and applies AWS's rules:
REST keeps header case and decodes query values (``+`` is a space, the single-value map keeps the
last repeat); HTTP API lower-cases headers, comma-joins repeats and splits cookies; ALB passes
the query string through still encoded.

Non-HTTP: :func:`s3_event`, :func:`sqs_event`, :func:`sns_event`, :func:`eventbridge_event`,
:func:`schedule_event`, :func:`dynamodb_event`, :func:`kinesis_event`,
:func:`cloudwatch_logs_event`. :func:`make_event` picks a factory by source name.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from lambdaworks.project.model import ACCOUNT, REGION
from lambdaworks.runtime.context import new_request_id
from lambdaworks.runtime.encoding import is_text_media_type
from lambdaworks.runtime.events.base import normalise_base_path
from lambdaworks.runtime.types import find_header

__all__ = [
    "HTTP_SOURCES",
    "OTHER_SOURCES",
    "BodyIn",
    "HeadersIn",
    "QueryIn",
    "alb_event",
    "apigw_v1_event",
    "apigw_v2_event",
    "cloudwatch_logs_event",
    "dynamodb_event",
    "eventbridge_event",
    "function_url_event",
    "http_v1_event",
    "kinesis_event",
    "make_event",
    "make_http_event",
    "s3_event",
    "schedule_event",
    "sns_event",
    "sqs_event",
]

HeadersIn = Mapping[str, str] | Iterable[tuple[str, str]] | None
QueryIn = Mapping[str, str | list[str]] | Iterable[tuple[str, str]] | str | None
BodyIn = bytes | str | None

API_ID = "abcdef1234"
SOURCE_IP = "203.0.113.7"
USER_AGENT = "lambdaworks-testing"
#: Sources :func:`make_event` knows.
HTTP_SOURCES = ("apigw-v1", "http-v1", "apigw-v2", "http-v2", "function-url", "alb", "alb-multi")
OTHER_SOURCES = ("s3", "sqs", "sns", "eventbridge", "schedule", "dynamodb", "kinesis", "cloudwatch-logs")


# -- shared pieces --------------------------------------------------------------------------


def header_pairs(headers: HeadersIn) -> list[tuple[str, str]]:
    """Headers as ordered pairs (a mapping, or pairs to express repeats)."""
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return [(str(k), str(v)) for k, v in headers.items()]
    return [(str(k), str(v)) for k, v in headers]


def query_pairs(query: QueryIn) -> list[tuple[str, str]]:
    """Decoded query pairs from a query string, a mapping (lists for repeats) or pairs."""
    if not query:
        return []
    if isinstance(query, str):
        return parse_qsl(query.lstrip("?"), keep_blank_values=True)
    if isinstance(query, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, value in query.items():
            values = value if isinstance(value, list) else [value]
            pairs.extend((str(key), str(v)) for v in values)
        return pairs
    return [(str(k), str(v)) for k, v in query]


def encode_query(query: QueryIn) -> str:
    """The query as the client would have sent it (encoded)."""
    if isinstance(query, str):
        return query.lstrip("?")
    return urlencode(query_pairs(query), quote_via=quote)


def body_field(body: BodyIn, content_type: str | None, binary: bool | None) -> tuple[str | None, bool]:
    """``(body, isBase64Encoded)``: binary when asked, when bytes are not UTF-8, or not text."""
    if body is None or body in {b"", ""}:
        return (None, False)
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if binary is None:
        try:
            raw.decode("utf-8")
            binary = bool(content_type) and not is_text_media_type(content_type) and not isinstance(body, str)
        except UnicodeDecodeError:
            binary = True
    if binary:
        return base64.b64encode(raw).decode("ascii"), True
    return raw.decode("utf-8", "replace"), False  # as API Gateway passes a non-binary body


def cookie_list(cookies: Mapping[str, str] | Iterable[str] | None) -> list[str]:
    """``{"a": "1"}`` or ``["a=1"]`` -> ``["a=1"]``."""
    if cookies is None:
        return []
    if isinstance(cookies, Mapping):
        return [f"{k}={v}" for k, v in cookies.items()]
    return list(cookies)


def _split_path(path: str, query: QueryIn) -> tuple[str, QueryIn]:
    """``(path, query)``: the path percent-encoded as a client sends it (``%`` kept), and an inline
    ``?query`` used when no ``query`` was given."""
    inline = None
    if "?" in path:
        path, inline = path.split("?", 1)
    return quote(path or "/", safe="/%:@!$&'()*+,;=-._~"), query if query is not None or inline is None else inline


_STAMP: list[Any] = [-1, ""]  # the last second formatted, and its text (strftime is slow)


def _times() -> tuple[str, int]:
    """``requestContext.time`` (``22/Nov/2026:16:21:33 +0000``) and ``timeEpoch`` (ms) for now."""
    now = time.time()
    second = int(now)
    if second != _STAMP[0]:
        _STAMP[:] = [second, time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(second))]
    return _STAMP[1], int(now * 1000)


def _front_door(domain: str | None, base_path: str, source_ip: str) -> tuple[str, list[tuple[str, str]]]:
    """The host the request came to (a custom domain behind a base path, else execute-api) and the
    headers API Gateway adds to every request, in REST's spelling."""
    host = domain or ("api.example.com" if base_path else f"{API_ID}.execute-api.{REGION}.amazonaws.com")
    return host, [
        ("Host", host),
        ("User-Agent", USER_AGENT),
        ("X-Forwarded-For", source_ip),
        ("X-Forwarded-Port", "443"),
        ("X-Forwarded-Proto", "https"),
    ]


def _proxy_params(
    path: str, resource: str | None, path_parameters: Mapping[str, str] | None
) -> tuple[str, dict[str, str] | None]:
    if resource is not None:
        return resource, dict(path_parameters) if path_parameters is not None else None
    if path == "/":
        return "/", None
    return "/{proxy+}", {"proxy": unquote(path.lstrip("/"))}


# -- REST API (v1) and HTTP API payload 1.0 ------------------------------------------------


def apigw_v1_event(
    method: str = "GET",
    path: str = "/",
    *,
    query: QueryIn = None,
    headers: HeadersIn = None,
    body: BodyIn = None,
    cookies: Mapping[str, str] | Iterable[str] | None = None,
    stage: str = "Prod",
    base_path: str = "",
    domain: str | None = None,
    binary: bool | None = None,
    resource: str | None = None,
    path_parameters: Mapping[str, str] | None = None,
    stage_variables: Mapping[str, str] | None = None,
    authorizer: Mapping[str, Any] | None = None,
    source_ip: str = SOURCE_IP,
    request_id: str | None = None,
) -> dict[str, Any]:
    """A REST API proxy event. With ``base_path`` the request came through a custom domain."""
    path, query = _split_path(path, query)
    base_path = normalise_base_path(base_path)
    host, pairs = _front_door(domain, base_path, source_ip)
    given = header_pairs(headers)
    given_names = {k.lower() for k, _ in given}
    pairs = [p for p in pairs if p[0].lower() not in given_names] + given
    cookie_values = cookie_list(cookies)
    if cookie_values:
        pairs.append(("Cookie", "; ".join(cookie_values)))
    single_headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for key, value in pairs:
        single_headers[key] = value
        multi_headers.setdefault(key, []).append(value)
    qpairs = query_pairs(query)
    multi_query: dict[str, list[str]] = {}
    for key, value in qpairs:
        multi_query.setdefault(key, []).append(value)
    body_text, is_b64 = body_field(body, find_header(pairs, "content-type"), binary)
    resource, params = _proxy_params(path, resource, path_parameters)
    event_path = base_path + path
    request_time, epoch = _times()
    request_id = request_id or new_request_id()
    context_path = event_path if base_path or domain else f"/{stage}{path}"
    return {
        "resource": resource,
        "path": event_path,
        "httpMethod": method.upper(),
        "headers": single_headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": params,
        "stageVariables": dict(stage_variables) if stage_variables else None,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": API_ID,
            "authorizer": dict(authorizer) if authorizer else None,
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "extendedRequestId": request_id[:16] + "=",
            "httpMethod": method.upper(),
            "identity": {
                "sourceIp": source_ip,
                "userAgent": find_header(pairs, "user-agent", USER_AGENT),
                "accountId": None,
                "caller": None,
                "user": None,
                "userArn": None,
                "accessKey": None,
                "cognitoIdentityId": None,
            },
            "path": context_path,
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": request_time,
            "requestTimeEpoch": epoch,
            "resourceId": "abc123",
            "resourcePath": resource,
            "stage": stage,
        },
        "body": body_text,
        "isBase64Encoded": is_b64,
    }


def http_v1_event(method: str = "GET", path: str = "/", *, stage: str = "$default", **kwargs: Any) -> dict[str, Any]:
    """An HTTP API event with payload format 1.0 (REST shape, ``version: "1.0"``)."""
    event = apigw_v1_event(method, path, stage=stage, **kwargs)
    event["version"] = "1.0"
    rc = event["requestContext"]
    if stage != "$default" and not kwargs.get("base_path"):
        event["path"] = f"/{stage}{event['path']}"
    rc["path"] = event["path"]
    rc["routeKey"] = f"ANY {event['resource']}"
    return event


# -- HTTP API payload 2.0 and Function URLs -------------------------------------------------


def apigw_v2_event(
    method: str = "GET",
    path: str = "/",
    *,
    query: QueryIn = None,
    headers: HeadersIn = None,
    body: BodyIn = None,
    cookies: Mapping[str, str] | Iterable[str] | None = None,
    stage: str = "$default",
    base_path: str = "",
    domain: str | None = None,
    binary: bool | None = None,
    route_key: str | None = None,
    path_parameters: Mapping[str, str] | None = None,
    stage_variables: Mapping[str, str] | None = None,
    authorizer: Mapping[str, Any] | None = None,
    source_ip: str = SOURCE_IP,
    request_id: str | None = None,
) -> dict[str, Any]:
    """An HTTP API (payload 2.0) event; a named ``stage`` or a ``base_path`` prefixes ``rawPath``."""
    path, query = _split_path(path, query)
    base_path = normalise_base_path(base_path)
    if route_key is None:  # behind an API mapping the app is usually a greedy proxy route
        route_key = "ANY /{proxy+}" if base_path and path != "/" else "$default"
        if route_key != "$default" and path_parameters is None:
            path_parameters = {"proxy": unquote(path.lstrip("/"))}
    host, front = _front_door(domain, base_path, source_ip)
    given = [(k.lower(), v) for k, v in header_pairs(headers)]  # HTTP APIs send names in lower case
    given_names = {k for k, _ in given}
    merged: dict[str, str] = {}
    for key, value in front:  # API Gateway's own headers, unless the client sent its own
        if key.lower() not in given_names:
            merged[key.lower()] = value
    cookie_values = cookie_list(cookies)
    for key, value in given:  # repeats are comma-joined; cookies go to their own list
        if key == "cookie":
            cookie_values.extend(c.strip() for c in value.split(";") if c.strip())
        else:
            merged[key] = f"{merged[key]},{value}" if key in merged else value
    qpairs = query_pairs(query)
    query_map: dict[str, str] = {}
    for key, value in qpairs:
        query_map[key] = f"{query_map[key]},{value}" if key in query_map else value
    body_text, is_b64 = body_field(body, merged.get("content-type"), binary)
    prefix = base_path or ("" if stage == "$default" else f"/{stage}")
    raw_path = prefix + path
    request_time, epoch = _times()
    request_id = request_id or new_request_id()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": encode_query(query) if query is not None else "",
    }
    if cookie_values:
        event["cookies"] = cookie_values
    event["headers"] = merged
    if query_map:
        event["queryStringParameters"] = query_map
    event["requestContext"] = {
        "accountId": ACCOUNT,
        "apiId": API_ID,
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0],
        "http": {
            "method": method.upper(),
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": merged.get("user-agent", USER_AGENT),
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": request_time,
        "timeEpoch": epoch,
    }
    if authorizer:
        event["requestContext"]["authorizer"] = dict(authorizer)
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if stage_variables:
        event["stageVariables"] = dict(stage_variables)
    if body_text is not None:
        event["body"] = body_text
    event["isBase64Encoded"] = is_b64
    return event


def function_url_event(method: str = "GET", path: str = "/", **kwargs: Any) -> dict[str, Any]:
    """A Lambda Function URL event (payload 2.0 on a ``lambda-url`` domain, no stage)."""
    kwargs.pop("stage", None)
    kwargs.pop("base_path", None)
    domain = kwargs.pop("domain", None) or f"{API_ID}{API_ID}{API_ID[:12]}.lambda-url.{REGION}.on.aws"
    event = apigw_v2_event(method, path, domain=domain, **kwargs)
    event["requestContext"]["apiId"] = domain.split(".", 1)[0]
    return event


# -- ALB ----------------------------------------------------------------------------------


def alb_event(
    method: str = "GET",
    path: str = "/",
    *,
    query: QueryIn = None,
    headers: HeadersIn = None,
    body: BodyIn = None,
    cookies: Mapping[str, str] | Iterable[str] | None = None,
    multi_value: bool = False,
    binary: bool | None = None,
    source_ip: str = SOURCE_IP,
    domain: str = "lambda-alb-123578498.us-east-1.elb.amazonaws.com",
) -> dict[str, Any]:
    """An ALB target event; ``multi_value=True`` when the target group enables multi-value headers."""
    path, query = _split_path(path, query)
    pairs = [
        ("host", domain),
        ("user-agent", USER_AGENT),
        ("x-forwarded-for", source_ip),
        ("x-forwarded-port", "80"),
        ("x-forwarded-proto", "http"),
    ]
    given = [(k.lower(), v) for k, v in header_pairs(headers)]
    given_names = {k for k, _ in given}
    pairs = [p for p in pairs if p[0] not in given_names] + given
    cookie_values = cookie_list(cookies)
    if cookie_values:
        pairs.append(("cookie", "; ".join(cookie_values)))
    raw_query = encode_query(query) if query is not None else ""
    encoded_pairs: list[tuple[str, str]] = []
    for part in filter(None, raw_query.split("&")):
        key, _, value = part.partition("=")
        encoded_pairs.append((key, value))
    body_text, is_b64 = body_field(body, find_header(pairs, "content-type"), binary)
    event: dict[str, Any] = {
        "requestContext": {
            "elb": {
                "targetGroupArn": (
                    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/lambda-target/0123456789abcdef"
                )
            }
        },
        "httpMethod": method.upper(),
        "path": path,
    }
    if multi_value:
        mq: dict[str, list[str]] = {}
        for key, value in encoded_pairs:
            mq.setdefault(key, []).append(value)
        mh: dict[str, list[str]] = {}
        for key, value in pairs:
            mh.setdefault(key, []).append(value)
        event["multiValueQueryStringParameters"] = mq
        event["multiValueHeaders"] = mh
    else:
        event["queryStringParameters"] = dict(encoded_pairs)
        event["headers"] = dict(pairs)
    event["body"] = body_text if body_text is not None else ""
    event["isBase64Encoded"] = is_b64
    return event


# -- non-HTTP sources -----------------------------------------------------------------------


def s3_event(
    bucket: str = "example-bucket",
    key: str = "uploads/file.txt",
    *,
    event_name: str = "ObjectCreated:Put",
    size: int = 1024,
) -> dict[str, Any]:
    """An S3 notification for one object (the key url-encoded, as S3 sends it)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": REGION,
                "eventTime": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                "eventName": event_name,
                "userIdentity": {"principalId": "EXAMPLE"},
                "requestParameters": {"sourceIPAddress": SOURCE_IP},
                "responseElements": {"x-amz-request-id": "EXAMPLE123456789", "x-amz-id-2": "EXAMPLE123/abc"},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "lambdaworks",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "EXAMPLE"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": {
                        "key": quote(key, safe="/").replace("%20", "+"),
                        "size": size,
                        "eTag": hashlib.md5(key.encode(), usedforsecurity=False).hexdigest(),
                        "sequencer": "0A1B2C3D4E5F678901",
                    },
                },
            }
        ]
    }


def sqs_event(*bodies: str, queue: str = "example-queue", fifo: bool = False) -> dict[str, Any]:
    """An SQS batch, one record per body (``fifo=True`` for a ``.fifo`` queue)."""
    name = f"{queue}.fifo" if fifo and not queue.endswith(".fifo") else queue
    records = []
    for index, body in enumerate(bodies or ("Hello from SQS!",)):
        attributes = {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(int(time.time() * 1000)),
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000)),
        }
        if fifo:
            attributes.update(
                {
                    "MessageGroupId": "group-1",
                    "MessageDeduplicationId": str(index),
                    "SequenceNumber": str(18849496460467696128 + index),
                }
            )
        records.append(
            {
                "messageId": new_request_id(),
                "receiptHandle": f"AQEB{index}",
                "body": body,
                "attributes": attributes,
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
                "awsRegion": REGION,
            }
        )
    return {"Records": records}


def sns_event(
    message: str = "Hello from SNS!", *, topic: str = "example-topic", subject: str | None = None
) -> dict[str, Any]:
    """An SNS notification with one message."""
    arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic}"
    return {
        "Records": [
            {
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{arn}:{new_request_id()}",
                "EventSource": "aws:sns",
                "Sns": {
                    "SignatureVersion": "1",
                    "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "EXAMPLE",
                    "MessageId": new_request_id(),
                    "Message": message,
                    "MessageAttributes": {},
                    "Type": "Notification",
                    "UnsubscribeUrl": "EXAMPLE",
                    "TopicArn": arn,
                    "Subject": subject,
                },
            }
        ]
    }


def eventbridge_event(
    detail: Mapping[str, Any] | None = None,
    *,
    source: str = "com.example.orders",
    detail_type: str = "OrderPlaced",
    resources: Iterable[str] = (),
) -> dict[str, Any]:
    """An EventBridge event."""
    return {
        "version": "0",
        "id": new_request_id(),
        "detail-type": detail_type,
        "source": source,
        "account": ACCOUNT,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": REGION,
        "resources": list(resources),
        "detail": dict(detail or {}),
    }


def schedule_event(rule: str = "every-five-minutes", when: float | None = None) -> dict[str, Any]:
    """A scheduled (EventBridge rule) event; ``when`` (epoch seconds) is the scheduled time."""
    event = eventbridge_event(
        {},
        source="aws.events",
        detail_type="Scheduled Event",
        resources=[f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{rule}"],
    )
    if when is not None:
        event["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
    return event


def dynamodb_event(
    *new_images: Mapping[str, Any], table: str = "example-table", event_name: str = "INSERT"
) -> dict[str, Any]:
    """A DynamoDB stream batch, one record per new image (already in DynamoDB JSON)."""
    records = []
    for index, image in enumerate(new_images or ({"id": {"S": "1"}},)):
        keys = {k: v for k, v in image.items() if k == "id"} or dict(list(image.items())[:1])
        records.append(
            {
                "eventID": new_request_id().replace("-", ""),
                "eventName": event_name,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": {
                    "ApproximateCreationDateTime": int(time.time()),
                    "Keys": keys,
                    "NewImage": dict(image),
                    "SequenceNumber": str(111 + index),
                    "SizeBytes": 26,
                    "StreamViewType": "NEW_IMAGE",
                },
                "eventSourceARN": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}/stream/2026-01-01T00:00:00.000",
            }
        )
    return {"Records": records}


def kinesis_event(*payloads: bytes | str, stream: str = "example-stream") -> dict[str, Any]:
    """A Kinesis batch, one record per payload (base64-encoded as Kinesis sends it)."""
    records = []
    for index, payload in enumerate(payloads or (b"Hello from Kinesis!",)):
        raw = payload.encode() if isinstance(payload, str) else payload
        records.append(
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": "1",
                    "sequenceNumber": str(49590338271490256608559692538361571095921575989136588898 + index),
                    "data": base64.b64encode(raw).decode(),
                    "approximateArrivalTimestamp": time.time(),
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"shardId-000000000006:{index}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT}:role/lambda-role",
                "awsRegion": REGION,
                "eventSourceARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{stream}",
            }
        )
    return {"Records": records}


def cloudwatch_logs_event(*messages: str, log_group: str = "/aws/lambda/example") -> dict[str, Any]:
    """A CloudWatch Logs subscription event (gzip + base64 ``awslogs.data``)."""
    now = int(time.time() * 1000)
    payload = {
        "messageType": "DATA_MESSAGE",
        "owner": ACCOUNT,
        "logGroup": log_group,
        "logStream": "stream",
        "subscriptionFilters": ["lambdaworks"],
        "logEvents": [{"id": str(i), "timestamp": now, "message": m} for i, m in enumerate(messages or ("hello",))],
    }
    data = base64.b64encode(gzip.compress(json.dumps(payload).encode(), mtime=0)).decode()
    return {"awslogs": {"data": data}}


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
