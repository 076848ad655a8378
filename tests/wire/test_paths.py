"""Which fronts hand the path over decoded: HTTP APIs do (``rawPath``, and ``path`` in payload 1.0),
REST APIs, Function URLs and ALB keep the client's encoding. As live API Gateway captures show
(hotsock/voker pull request 8, cited by middleapi/standard-server pull request 93); the adapter
encodes an HTTP API's path again, so a ``%25`` the client sent is not decoded twice."""

from __future__ import annotations

import json
from typing import Any

import lambdaworks
from lambdaworks.testing import LambdaContext, apigw_v1_event, apigw_v2_event, function_url_event, http_v1_event


def test_http_apis_decode_the_path_and_the_others_keep_it() -> None:
    assert apigw_v2_event("GET", "/files/a%20b")["rawPath"] == "/files/a b"
    assert apigw_v2_event("GET", "/files/a%20b", stage="dev")["requestContext"]["http"]["path"] == "/dev/files/a b"
    assert http_v1_event("GET", "/files/a%20b")["path"] == "/files/a b"
    assert function_url_event("GET", "/files/a%20b")["rawPath"] == "/files/a%20b"
    assert apigw_v1_event("GET", "/files/a%20b")["path"] == "/files/a%20b"


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps([environ["SCRIPT_NAME"], environ["PATH_INFO"]]).encode()]


def seen(event: dict[str, Any]) -> list[str]:
    return json.loads(lambdaworks.handler(app)(event, LambdaContext())["body"])  # type: ignore[no-any-return]


def test_the_adapter_reads_each_front_once() -> None:
    # the client sent /files/100%2525: an HTTP API hands over /files/100%25, which names a file "100%25"
    assert seen(apigw_v2_event("GET", "/files/100%2525")) == ["", "/files/100%25"]
    assert seen(http_v1_event("GET", "/files/100%2525")) == ["", "/files/100%25"]
    assert seen(apigw_v2_event("GET", "/a%20b/%C3%BC", stage="dev")) == ["/dev", "/a b/\u00c3\u00bc"]  # WSGI: latin-1
    assert seen(function_url_event("GET", "/files/100%2525")) == ["", "/files/100%25"]
    assert seen(apigw_v1_event("GET", "/files/100%2525")) == ["/Prod", "/files/100%25"]
