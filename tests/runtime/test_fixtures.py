"""Every HTTP event in tests/fixtures/events through WSGI and ASGI echo apps, whole-dict checks.

The expectation for each fixture is computed here from the event with AWS's documented rules
(independently of the adapter's code path); the result dicts are written out per source.
"""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any
from urllib.parse import quote, unquote, unquote_to_bytes, urlencode

import pytest

import lambdaworks
from lambdaworks.runtime.errors import UnsupportedEvent
from lambdaworks.testing import LambdaContext
from tests.apps.echo import COOKIES, echo_asgi, echo_wsgi
from tests.conftest import all_fixture_files, load_event

# Which source each HTTP fixture is (by AWS's documentation of the event it captures).
HTTP_FIXTURES = {
    "aws-lambda-go/alb-lambda-target-request-headers-only.json": "alb",
    "aws-lambda-go/alb-lambda-target-request-multivalue-headers.json": "alb",
    "aws-lambda-go/apigw-request.json": "apigw-v1",
    "aws-lambda-go/apigw-restapi-openapi-request.json": "apigw-v1",
    "aws-lambda-go/apigw-v2-request-iam.json": "apigw-v2",
    "aws-lambda-go/apigw-v2-request-jwt-authorizer.json": "apigw-v2",
    "aws-lambda-go/apigw-v2-request-lambda-authorizer.json": "apigw-v2",
    "aws-lambda-go/apigw-v2-request-no-authorizer.json": "apigw-v2",
    "aws-lambda-go/lambda-urls-request.json": "function-url",
    "powertools/albEvent.json": "alb",
    "powertools/albEventPathTrailingSlash.json": "alb",
    "powertools/albMultiValueHeadersEvent.json": "alb",
    "powertools/albMultiValueQueryStringEvent.json": "alb",
    "powertools/apiGatewayProxyEvent.json": "apigw-v1",
    "powertools/apiGatewayProxyEventAnotherPath.json": "apigw-v1",
    "powertools/apiGatewayProxyEventNoOrigin.json": "apigw-v1",
    "powertools/apiGatewayProxyEventPathTrailingSlash.json": "apigw-v1",
    "powertools/apiGatewayProxyEventPrincipalId.json": "apigw-v1",
    "powertools/apiGatewayProxyEvent_noVersionAuth.json": "apigw-v1",
    "powertools/apiGatewayProxyOtherEvent.json": "apigw-v1",
    "powertools/apiGatewayProxyV2Event.json": "apigw-v2",
    "powertools/apiGatewayProxyV2EventPathTrailingSlash.json": "apigw-v2",
    "powertools/apiGatewayProxyV2Event_GET.json": "apigw-v2",
    "powertools/apiGatewayProxyV2IamEvent.json": "apigw-v2",
    "powertools/apiGatewayProxyV2LambdaAuthorizerEvent.json": "apigw-v2",
    "powertools/apiGatewayProxyV2OtherGetEvent.json": "apigw-v2",
    "powertools/apiGatewayProxyV2SchemaMiddlwareInvalidEvent.json": "apigw-v2",
    "powertools/apiGatewayProxyV2SchemaMiddlwareValidEvent.json": "apigw-v2",
    "powertools/apigatewayeSchemaMiddlwareInvalidEvent.json": "apigw-v1",
    "powertools/apigatewayeSchemaMiddlwareValidEvent.json": "apigw-v1",
    "powertools/lambdaFunctionUrlEvent.json": "function-url",
    "powertools/lambdaFunctionUrlEventPathTrailingSlash.json": "function-url",
    "powertools/lambdaFunctionUrlEventWithHeaders.json": "function-url",
    "powertools/lambdaFunctionUrlIAMEvent.json": "function-url",
}

# Non-HTTP fixtures and the source the adapter must detect.
OTHER_FIXTURES = {
    "aws-lambda-go/s3-event.json": "s3",
    "powertools/s3Event.json": "s3",
    "aws-lambda-go/sqs-event.json": "sqs",
    "powertools/sqsEvent.json": "sqs",
    "aws-lambda-go/sns-event.json": "sns",
    "powertools/snsEvent.json": "sns",
    "powertools/eventBridgeEvent.json": "eventbridge",
    "powertools/s3EventBridgeNotificationObjectCreatedEvent.json": "eventbridge",
    "aws-lambda-go/cloudwatch-alarm-sns-payload-single-metric.json": "sns",
    "aws-lambda-go/dynamodb-time-window-event.json": "dynamodb",
    "aws-lambda-go/kinesis-time-window-event.json": "kinesis",
    "powertools/snsSqsEvent.json": "sqs",
    "aws-lambda-go/dynamodb-event.json": "dynamodb",
    "powertools/dynamoStreamEvent.json": "dynamodb",
    "aws-lambda-go/kinesis-event.json": "kinesis",
    "powertools/kinesisStreamEvent.json": "kinesis",
    "aws-lambda-go/cloudwatch-logs-event.json": "cloudwatch-logs",
    "powertools/cloudWatchLogEvent.json": "cloudwatch-logs",
    "aws-lambda-go/apigw-custom-auth-request.json": "authorizer",
    "powertools/apiGatewayAuthorizerRequestEvent.json": "authorizer",
    "powertools/apiGatewayAuthorizerTokenEvent.json": "authorizer",
    "powertools/apiGatewayAuthorizerV2Event.json": "authorizer",
    "aws-lambda-go/apigw-websocket-request.json": "websocket",
}

WSGI = lambdaworks.handler(echo_wsgi)
ASGI = lambdaworks.handler(echo_asgi)


def v1_header_pairs(event: dict[str, Any]) -> list[tuple[str, str]]:
    multi = event.get("multiValueHeaders") or {}
    pairs = [(k.lower(), v) for k, vs in multi.items() for v in vs or []]
    lower_multi = {k.lower() for k in multi}
    pairs += [
        (k.lower(), v)
        for k, v in (event.get("headers") or {}).items()
        if k.lower() not in lower_multi and v is not None
    ]
    return pairs


def expected_request(event: dict[str, Any], source: str) -> dict[str, Any]:
    """Method, path, query, headers, body as AWS documents them for this event."""
    if source in ("apigw-v2", "function-url"):
        pairs = [(k.lower(), v) for k, v in (event.get("headers") or {}).items()]
        if event.get("cookies"):
            pairs.append(("cookie", "; ".join(event["cookies"])))
        method = event["requestContext"]["http"]["method"]
        path = event["rawPath"]
        query = event.get("rawQueryString", "")
    else:
        pairs = v1_header_pairs(event)
        method = event["httpMethod"]
        path = event["path"]
        multi_q = event.get("multiValueQueryStringParameters")
        single_q = event.get("queryStringParameters") or {}
        qpairs = [(k, v) for k, vs in multi_q.items() for v in vs] if multi_q else list(single_q.items())
        if source == "alb":  # values arrive still encoded
            query = "&".join(f"{k}={v}" for k, v in qpairs)
        else:
            query = urlencode(qpairs, quote_via=quote, safe="")
    body = event.get("body") or ""
    raw = body.encode()
    if event.get("isBase64Encoded"):
        # a few fixtures flag plain text as base64; it is passed on as text
        with contextlib.suppress(ValueError):
            raw = base64.b64decode(body, validate=True)
    return {"pairs": pairs, "method": method, "path": path, "query": query, "body": raw}


def wsgi_headers(pairs: list[tuple[str, str]], body: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs:
        key = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}.get(
            name
        ) or "HTTP_" + name.upper().replace("-", "_")
        native = value.encode().decode("latin-1")
        out[key] = f"{out[key]}{'; ' if key == 'HTTP_COOKIE' else ','}{native}" if key in out else native
    if body or "CONTENT_LENGTH" in out:
        out["CONTENT_LENGTH"] = str(len(body))
    return out


def server_of(pairs: list[tuple[str, str]], event: dict[str, Any]) -> tuple[str, str, str]:
    headers = dict(reversed(pairs))
    scheme = headers.get("x-forwarded-proto", "https")
    host = headers.get("host") or (event.get("requestContext") or {}).get("domainName") or "localhost"
    port = headers.get("x-forwarded-port") or ("443" if scheme == "https" else "80")
    if ":" in host:
        host, port = host.rsplit(":", 1)
    return scheme, host, port


def client_of(event: dict[str, Any], source: str, pairs: list[tuple[str, str]]) -> str:
    rc = event.get("requestContext") or {}
    forwarded = next((v.split(",")[0].strip() for k, v in pairs if k == "x-forwarded-for"), "")
    if source in ("apigw-v2", "function-url"):
        return str(rc["http"].get("sourceIp", ""))
    if source == "apigw-v1":
        ip = (rc.get("identity") or {}).get("sourceIp") or forwarded
        return str(ip).split("/")[0]
    return forwarded


def expected_result(source: str, event: dict[str, Any], body: str, asgi: bool) -> dict[str, Any]:
    ct, echo, cookie = ("content-type", "x-echo", "set-cookie") if asgi else ("Content-Type", "X-Echo", "Set-Cookie")
    if source == "apigw-v1":
        return {
            "statusCode": 200,
            "headers": {ct: "application/json", echo: "1", cookie: COOKIES[-1]},
            "multiValueHeaders": {ct: ["application/json"], echo: ["1"], cookie: list(COOKIES)},
            "body": body,
            "isBase64Encoded": False,
        }
    if source in ("apigw-v2", "function-url"):
        return {
            "statusCode": 200,
            "headers": {ct: "application/json", echo: "1"},
            "cookies": list(COOKIES),
            "body": body,
            "isBase64Encoded": False,
        }
    if "multiValueHeaders" in event:
        return {
            "statusCode": 200,
            "statusDescription": "200 OK",
            "multiValueHeaders": {ct: ["application/json"], echo: ["1"], cookie: list(COOKIES)},
            "body": body,
            "isBase64Encoded": False,
        }
    second = "set-cookie" if not asgi else "Set-cookie"
    return {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "headers": {ct: "application/json", echo: "1", cookie: COOKIES[0], second: COOKIES[1]},
        "body": body,
        "isBase64Encoded": False,
    }


def test_fixture_table_covers_every_http_shaped_fixture() -> None:
    """Any fixture with an HTTP method is either in the HTTP table or a known non-HTTP shape."""
    names = set()
    for path in all_fixture_files():
        name = f"{path.parent.name}/{path.name}"
        try:
            event = json.loads(path.read_text())
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict) and ("httpMethod" in event or "rawPath" in event):
            names.add(name)
    known_other = {n for n, s in OTHER_FIXTURES.items() if s in ("authorizer", "websocket")}
    bedrock = {n for n in names if "bedrock" in n.lower()}
    assert names - bedrock - known_other - {
        "aws-lambda-go/apigw-v2-custom-authorizer-v1-request.json",
        "aws-lambda-go/apigw-custom-auth-request-type-request.json",
        "aws-lambda-go/apigw-v2-custom-authorizer-v2-request.json",
    } == set(HTTP_FIXTURES)


@pytest.mark.parametrize("name", sorted(HTTP_FIXTURES))
def test_wsgi_sees_the_request_aws_describes(name: str) -> None:
    event = load_event(name)
    source = HTTP_FIXTURES[name]
    exp = expected_request(event, source)
    result = WSGI(event, LambdaContext())
    scheme, host, port = server_of(exp["pairs"], event)
    seen = {
        "method": exp["method"],
        "script_name": "",
        "path_info": unquote_to_bytes(exp["path"]).decode("latin-1"),
        "query_string": exp["query"],
        "headers": wsgi_headers(exp["pairs"], exp["body"]),
        "body": base64.b64encode(exp["body"]).decode(),
        "scheme": scheme,
        "server": [host, port],
        "remote_addr": client_of(event, source, exp["pairs"]),
        "has_event": True,
    }
    assert json.loads(result["body"]) == seen
    assert result == expected_result(source, event, result["body"], asgi=False)


@pytest.mark.parametrize("name", sorted(HTTP_FIXTURES))
def test_asgi_sees_the_request_aws_describes(name: str) -> None:
    event = load_event(name)
    source = HTTP_FIXTURES[name]
    exp = expected_request(event, source)
    result = ASGI(event, LambdaContext())
    scheme, host, port = server_of(exp["pairs"], event)
    seen = {
        "method": exp["method"],
        "root_path": "",
        "path": unquote(exp["path"]),
        "raw_path": exp["path"],
        "query_string": exp["query"],
        "headers": [[k, v.encode().decode("latin-1")] for k, v in exp["pairs"]],
        "body": base64.b64encode(exp["body"]).decode(),
        "scheme": scheme,
        "server": [host, int(port)],
        "client": [client_of(event, source, exp["pairs"]), 0],
    }
    assert json.loads(result["body"]) == seen
    assert result == expected_result(source, event, result["body"], asgi=True)


@pytest.mark.parametrize("name", sorted(OTHER_FIXTURES))
def test_non_http_fixtures_are_detected_and_dispatched(name: str) -> None:
    event = load_event(name)
    expected = OTHER_FIXTURES[name]
    assert lambdaworks.runtime.detect_source(event) == expected
    handler = lambdaworks.handler(echo_wsgi)
    calls: list[tuple[str, Any]] = []
    handler.on(expected)(lambda e, c: calls.append((expected, e)) or {"ok": expected})
    assert handler(event, LambdaContext()) == {"ok": expected}
    assert calls == [(expected, event)]


@pytest.mark.parametrize("path", all_fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_is_served_or_refused_clearly(path: Any) -> None:
    """No fixture makes the adapter raise anything but UnsupportedEvent (or serve it)."""
    try:
        event = json.loads(path.read_text())
    except json.JSONDecodeError:
        event = path.read_text()
    name = f"{path.parent.name}/{path.name}"
    try:
        result = WSGI(event, LambdaContext())
    except UnsupportedEvent as exc:
        assert name not in HTTP_FIXTURES
        assert "keys seen" in str(exc) or "not a JSON object" in str(exc)
    else:
        assert name in HTTP_FIXTURES or lambdaworks.runtime.detect_source(event) == "warmup"
        assert result["statusCode"] == 200


RESPONSE_FIXTURES = {
    "aws-lambda-go/apigw-response.json": "apigw-v1",
    "aws-lambda-go/alb-lambda-target-response.json": "alb",
    "aws-lambda-go/lambda-urls-response.json": "function-url",
}


@pytest.mark.parametrize("name", sorted(RESPONSE_FIXTURES))
def test_responses_match_aws_response_fixtures(name: str) -> None:
    """An app answering with a fixture's status/headers/body produces that fixture's result."""
    fixture = load_event(name)
    source = RESPONSE_FIXTURES[name]
    headers: list[tuple[str, str]] = []
    if "multiValueHeaders" in fixture:
        headers = [(k, v) for k, vs in fixture["multiValueHeaders"].items() for v in vs]
    else:
        headers = list(fixture["headers"].items())
    headers += [("Set-Cookie", c) for c in fixture.get("cookies", [])]

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(f"{fixture['statusCode']} X", headers)
        return [fixture["body"].encode()]

    request_events = {
        "apigw-v1": "aws-lambda-go/apigw-request.json",
        "alb": "aws-lambda-go/alb-lambda-target-request-multivalue-headers.json",
        "function-url": "aws-lambda-go/lambda-urls-request.json",
    }
    result = lambdaworks.handler(app)(load_event(request_events[source]), LambdaContext())
    expected = dict(fixture)
    expected.setdefault("isBase64Encoded", False)
    if source == "apigw-v1":
        assert result == expected
    elif source == "alb":
        expected.pop("headers")  # multi-value mode answers with multiValueHeaders only
        assert result == expected
    else:
        assert result == expected
