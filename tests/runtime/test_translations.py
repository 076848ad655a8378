"""The pure translation functions, compared as whole values."""

from __future__ import annotations

import io
import sys

import pytest

from lambdaworks.runtime.asgi import build_scope
from lambdaworks.runtime.encoding import (
    b64decode,
    is_binary_response,
    is_text_media_type,
    quote,
    status_line,
    unquote_to_bytes,
)
from lambdaworks.runtime.events import Alb, ApiGatewayV1, ApiGatewayV2, Options
from lambdaworks.runtime.events.base import fill_template, normalise_base_path, split_host, strip_prefix
from lambdaworks.runtime.types import HttpResponse
from lambdaworks.runtime.wsgi import build_environ
from lambdaworks.testing import events


def test_v1_event_to_request_and_environ() -> None:
    event = events.apigw_v1_event(
        "POST",
        "/a%20b/c",
        query=[("x", "1"), ("x", "two words"), ("y", "é")],
        headers=[("Content-Type", "text/plain"), ("X-Multi", "1"), ("X-Multi", "2")],
        body="hi",
        cookies={"s": "1", "t": "2"},
        stage="Prod",
        request_id="req-1",
    )
    request = ApiGatewayV1().to_request(event, "ctx", Options())
    environ = build_environ(request)
    wsgi_input = environ.pop("wsgi.input")
    assert isinstance(wsgi_input, io.BytesIO)
    assert wsgi_input.read() == b"hi"
    assert environ == {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "/Prod",
        "PATH_INFO": "/a b/c",
        "QUERY_STRING": "x=1&x=two%20words&y=%C3%A9",
        "SERVER_NAME": "abcdef1234.execute-api.us-east-1.amazonaws.com",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "CONTENT_TYPE": "text/plain",
        "CONTENT_LENGTH": "2",
        "HTTP_HOST": "abcdef1234.execute-api.us-east-1.amazonaws.com",
        "HTTP_USER_AGENT": "lambdaworks-testing",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_FORWARDED_PORT": "443",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_MULTI": "1,2",
        "HTTP_COOKIE": "s=1; t=2",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "lambda.event": event,
        "lambda.context": "ctx",
    }


def test_v2_event_to_scope() -> None:
    event = events.apigw_v2_event(
        "PUT",
        "/caf%C3%A9",
        query="a=1&a=2&b=%20",
        headers={"X-One": "1"},
        cookies=["c=1", "d=2"],
        stage="dev",
    )
    request = ApiGatewayV2().to_request(event, None, Options())
    scope = build_scope(request, {"db": 1})
    assert scope == {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "https",
        "path": "/dev/café",
        "raw_path": b"/dev/caf%C3%A9",
        "root_path": "/dev",
        "query_string": b"a=1&a=2&b=%20",
        "headers": [
            (b"host", b"abcdef1234.execute-api.us-east-1.amazonaws.com"),
            (b"user-agent", b"lambdaworks-testing"),
            (b"x-forwarded-for", b"203.0.113.7"),
            (b"x-forwarded-port", b"443"),
            (b"x-forwarded-proto", b"https"),
            (b"x-one", b"1"),
            (b"cookie", b"c=1; d=2"),
        ],
        "server": ("abcdef1234.execute-api.us-east-1.amazonaws.com", 443),
        "client": ("203.0.113.7", 0),
        "aws.event": event,
        "aws.context": None,
        "state": {"db": 1},
    }


RESPONSE = HttpResponse(
    201,
    [
        ("Content-Type", "text/html"),
        ("Set-Cookie", "a=1"),
        ("Vary", "A"),
        ("Set-Cookie", "b=2"),
        ("Vary", "B"),
    ],
    b"<p>",
)


def test_v1_result() -> None:
    assert ApiGatewayV1().to_result(RESPONSE, {}, Options()) == {
        "statusCode": 201,
        "headers": {"Content-Type": "text/html", "Set-Cookie": "b=2", "Vary": "B"},
        "multiValueHeaders": {
            "Content-Type": ["text/html"],
            "Set-Cookie": ["a=1", "b=2"],
            "Vary": ["A", "B"],
        },
        "body": "<p>",
        "isBase64Encoded": False,
    }


def test_v2_result() -> None:
    assert ApiGatewayV2().to_result(RESPONSE, {}, Options()) == {
        "statusCode": 201,
        "headers": {"Content-Type": "text/html", "Vary": "A, B"},
        "cookies": ["a=1", "b=2"],
        "body": "<p>",
        "isBase64Encoded": False,
    }


def test_alb_results_in_both_modes() -> None:
    assert Alb().to_result(RESPONSE, {"multiValueHeaders": {}}, Options()) == {
        "statusCode": 201,
        "statusDescription": "201 Created",
        "multiValueHeaders": {
            "Content-Type": ["text/html"],
            "Set-Cookie": ["a=1", "b=2"],
            "Vary": ["A", "B"],
        },
        "body": "<p>",
        "isBase64Encoded": False,
    }
    assert Alb().to_result(RESPONSE, {"headers": {}}, Options()) == {
        "statusCode": 201,
        "statusDescription": "201 Created",
        "headers": {"Content-Type": "text/html", "Set-Cookie": "a=1", "set-cookie": "b=2", "Vary": "A, B"},
        "body": "<p>",
        "isBase64Encoded": False,
    }


def test_binary_and_empty_results() -> None:
    png = HttpResponse(200, [("content-type", "image/png")], b"\x89PNG")
    assert ApiGatewayV2().to_result(png, {}, Options())["body"] == "iVBORw=="
    empty = HttpResponse(204, [], b"")
    assert ApiGatewayV2().to_result(empty, {}, Options()) == {
        "statusCode": 204,
        "headers": {},
        "body": "",
        "isBase64Encoded": False,
    }
    # says text, is not UTF-8: sent as base64 rather than mangled
    latin = HttpResponse(200, [("Content-Type", "text/plain; charset=latin-1")], "café".encode("latin-1"))
    assert ApiGatewayV2().to_result(latin, {}, Options())["isBase64Encoded"] is True


@pytest.mark.parametrize(
    ("content_type", "encoding", "binary"),
    [
        ("text/html; charset=utf-8", None, False),
        ("application/json", None, False),
        ("application/problem+json", None, False),
        ("image/svg+xml", None, False),
        ("application/javascript", None, False),
        ("application/x-www-form-urlencoded", None, False),
        ("application/json", "gzip", True),
        ("text/css", "br", True),
        ("text/css", "identity", False),
        ("image/png", None, True),
        ("application/octet-stream", None, True),
        ("application/pdf", None, True),
        (None, None, False),
    ],
)
def test_binary_rule(content_type: str | None, encoding: str | None, binary: bool) -> None:
    assert is_binary_response(content_type, encoding) is binary


def test_text_media_type_wildcards() -> None:
    assert is_text_media_type("application/vnd.x", ["application/*"])
    assert not is_text_media_type("image/png", ["application/*"])


def test_url_helpers() -> None:
    assert quote("a b/é~") == "a%20b%2F%C3%A9~"
    assert unquote_to_bytes("/a%20b%E9%zz%") == b"/a b\xe9%zz%"
    assert b64decode("aGk") == b"hi"
    with pytest.raises(ValueError, match="not base64"):
        b64decode("Hello from Lambda!")
    assert status_line(418) == "418 I'm a Teapot" or status_line(418).startswith("418 ")
    assert status_line(599) == "599"


def test_path_helpers() -> None:
    assert normalise_base_path("api/") == "/api"
    assert normalise_base_path("/") == ""
    assert strip_prefix("/api/x", "/api") == "/x"
    assert strip_prefix("/api", "/api") == "/"
    assert strip_prefix("/apix", "/api") is None
    assert fill_template("/items/{id}/{rest+}", {"id": "7", "rest": "a/b"}) == "/items/7/a/b"
    assert fill_template("/items/{id}", {}) is None
    assert split_host("example.com:8443", "https", None) == ("example.com", 8443)
    assert split_host("[::1]:3000", "http", None) == ("[::1]", 3000)
    assert split_host(None, "http", "8080") == ("localhost", 8080)


def comparable(environ: dict[str, object]) -> dict[str, object]:
    """An environ with its input stream replaced by the bytes it holds."""
    out = dict(environ)
    stream = out.pop("wsgi.input")
    assert isinstance(stream, io.BytesIO)
    out["wsgi.input.bytes"] = stream.getvalue()
    return out
