"""Flask, Starlette, FastAPI and Django behind every HTTP source: routing, URLs, binary, cookies."""

from __future__ import annotations

import pytest

import lambdaworks
from lambdaworks.testing import LambdaClient
from tests.apps import django_app, fastapi_app, flask_app, starlette_app

FLASK = lambdaworks.handler(flask_app.app)
STARLETTE = lambdaworks.handler(starlette_app.app)
FASTAPI = lambdaworks.handler(fastapi_app.app)
DJANGO_WSGI = lambdaworks.handler(django_app.wsgi_app)
DJANGO_ASGI = lambdaworks.handler(django_app.asgi_app)

ALL_SOURCES = ["apigw-v1", "http-v1", "http-v2", "function-url", "alb", "alb-multi"]
EXECUTE_API = "https://abcdef1234.execute-api.us-east-1.amazonaws.com"

# (source, event options, handler options, URL the app must generate for /hello/bob)
MOUNTS = [
    ("apigw-v1", {}, {}, f"{EXECUTE_API}/Prod/hello/bob"),
    ("apigw-v1", {"stage": "v1"}, {}, f"{EXECUTE_API}/v1/hello/bob"),
    ("apigw-v1", {"base_path": "api"}, {}, "https://api.example.com/api/hello/bob"),
    ("apigw-v1", {"base_path": "api"}, {"base_path": "/api"}, "https://api.example.com/api/hello/bob"),
    ("apigw-v1", {"domain": "www.example.com"}, {}, "https://www.example.com/hello/bob"),
    ("http-v1", {}, {}, f"{EXECUTE_API}/hello/bob"),
    ("http-v1", {"stage": "dev"}, {}, f"{EXECUTE_API}/dev/hello/bob"),
    ("http-v2", {}, {}, f"{EXECUTE_API}/hello/bob"),
    ("http-v2", {"stage": "dev"}, {}, f"{EXECUTE_API}/dev/hello/bob"),
    ("http-v2", {"base_path": "v2/api"}, {}, "https://api.example.com/v2/api/hello/bob"),
    (
        "http-v2",
        {"base_path": "api", "route_key": "$default"},
        {"base_path": "api"},
        "https://api.example.com/api/hello/bob",
    ),
    ("function-url", {}, {}, "https://abcdef1234abcdef1234abcdef1234.lambda-url.us-east-1.on.aws/hello/bob"),
    ("alb", {}, {}, "http://lambda-alb-123578498.us-east-1.elb.amazonaws.com/hello/bob"),
    ("alb-multi", {}, {}, "http://lambda-alb-123578498.us-east-1.elb.amazonaws.com/hello/bob"),
]


def repeated(source: str) -> list[str]:
    """Values of a repeated query key the app sees: ALB's single-value mode keeps the last."""
    return ["2 3"] if source == "alb" else ["1", "2 3"]


@pytest.mark.parametrize(("source", "event_options", "options", "url"), MOUNTS)
def test_flask_routes_and_builds_urls_behind_stages_and_base_paths(
    source: str, event_options: dict[str, str], options: dict[str, str], url: str
) -> None:
    handler = lambdaworks.handler(flask_app.app, **options) if options else FLASK
    response = LambdaClient(handler, source, **event_options).get("/hello/bob", query={"x": ["1", "2 3"]})
    assert response.status == 200
    assert response.json() == {
        "name": "bob",
        "url": url,
        "path": "/" + url.split("/", 3)[3],
        "args": {"x": repeated(source)},
    }


@pytest.mark.parametrize(("source", "event_options", "options", "url"), MOUNTS)
def test_starlette_routes_and_builds_urls_behind_stages_and_base_paths(
    source: str, event_options: dict[str, str], options: dict[str, str], url: str
) -> None:
    handler = lambdaworks.handler(starlette_app.app, **options) if options else STARLETTE
    response = LambdaClient(handler, source, **event_options).get("/hello/bob", query={"x": ["1", "2 3"]})
    assert response.status == 200
    assert response.json() == {"name": "bob", "url": url, "db": "connected", "args": {"x": repeated(source)}}


@pytest.mark.parametrize(("source", "event_options", "options", "url"), MOUNTS)
def test_fastapi_url_for_behind_mounts(
    source: str, event_options: dict[str, str], options: dict[str, str], url: str
) -> None:
    handler = lambdaworks.handler(fastapi_app.app, **options) if options else FASTAPI
    response = LambdaClient(handler, source, **event_options).get("/items/7", query={"q": "a b"})
    assert response.status == 200
    assert response.json() == {"item_id": 7, "q": "a b", "url": url.replace("/hello/bob", "/items/7")}


@pytest.mark.parametrize("handler", [DJANGO_WSGI, DJANGO_ASGI], ids=["wsgi", "asgi"])
@pytest.mark.parametrize(("source", "event_options", "options", "url"), MOUNTS[:4] + MOUNTS[7:10])
def test_django_reverse_behind_mounts(
    handler: lambdaworks.Handler,
    source: str,
    event_options: dict[str, str],
    options: dict[str, str],
    url: str,
) -> None:
    if options:
        handler = lambdaworks.handler(handler.app, **options)
    response = LambdaClient(handler, source, **event_options).get("/hello/bob", query={"x": ["1", "2"]})
    assert response.status == 200
    assert response.json() == {"name": "bob", "url": url, "args": {"x": ["1", "2"]}}


def test_interfaces_are_detected() -> None:
    assert (FLASK.interface, STARLETTE.interface, FASTAPI.interface) == ("wsgi", "asgi", "asgi")
    assert (DJANGO_WSGI.interface, DJANGO_ASGI.interface) == ("wsgi", "asgi")


@pytest.mark.parametrize("handler", [FLASK, STARLETTE], ids=["flask", "starlette"])
@pytest.mark.parametrize("source", ALL_SOURCES)
def test_binary_response_is_base64_and_round_trips(handler: lambdaworks.Handler, source: str) -> None:
    response = LambdaClient(handler, source).get("/image.png")
    assert response.result["isBase64Encoded"] is True
    assert response.content == flask_app.PNG
    assert response.headers["content-type"] == "image/png"


@pytest.mark.parametrize("handler", [FLASK, STARLETTE], ids=["flask", "starlette"])
@pytest.mark.parametrize("source", ALL_SOURCES)
def test_binary_request_body_is_decoded(handler: lambdaworks.Handler, source: str) -> None:
    payload = bytes(range(255, -1, -1))
    response = LambdaClient(handler, source).post(
        "/echo", body=payload, headers={"Content-Type": "application/octet-stream"}
    )
    assert response.status == 200
    assert response.event["isBase64Encoded"] is True
    assert response.result["isBase64Encoded"] is True
    assert response.content == payload


@pytest.mark.parametrize("handler", [FLASK, STARLETTE], ids=["flask", "starlette"])
@pytest.mark.parametrize("source", ALL_SOURCES)
def test_text_bodies_stay_text(handler: lambdaworks.Handler, source: str) -> None:
    response = LambdaClient(handler, source).post(
        "/echo", body='{"é": 1}', headers={"Content-Type": "application/json"}
    )
    assert response.result["isBase64Encoded"] is False
    assert response.result["body"] == '{"é": 1}'


@pytest.mark.parametrize("handler", [FLASK, STARLETTE], ids=["flask", "starlette"])
@pytest.mark.parametrize("source", ALL_SOURCES)
def test_request_cookies_arrive_and_every_set_cookie_survives(handler: lambdaworks.Handler, source: str) -> None:
    response = LambdaClient(handler, source).get("/cookies", cookies={"a": "1", "b": "2"})
    assert response.json() == {"received": {"a": "1", "b": "2"}}
    assert response.cookies == {"session": "abc", "theme": "dark"}
    assert len(response.headers.get_all("set-cookie")) == 2


def test_v2_cookies_go_to_the_cookies_list() -> None:
    result = LambdaClient(FLASK, "http-v2").get("/cookies").result
    assert [c.split(";")[0] for c in result["cookies"]] == ["session=abc", "theme=dark"]
    assert not any(k.lower() == "set-cookie" for k in result["headers"])


def test_alb_single_value_mode_spells_set_cookie_differently_per_cookie() -> None:
    result = LambdaClient(FLASK, "alb").get("/cookies").result
    names = [k for k in result["headers"] if k.lower() == "set-cookie"]
    assert len(names) == 2
    assert len(set(names)) == 2


@pytest.mark.parametrize("handler", [FLASK, STARLETTE], ids=["flask", "starlette"])
@pytest.mark.parametrize("source", ALL_SOURCES)
def test_app_exception_is_a_500_and_the_handler_keeps_serving(
    handler: lambdaworks.Handler, source: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = LambdaClient(handler, source)
    response = client.get("/boom")
    assert response.status == 500
    assert "RuntimeError: boom" in caplog.text
    assert client.get("/hello/again").status == 200


def broken_wsgi(environ: dict[str, object], start_response: object) -> list[bytes]:
    raise ValueError("no database")


async def broken_asgi(scope: dict[str, object], receive: object, send: object) -> None:
    if scope["type"] == "http":
        raise ValueError("no database")


@pytest.mark.parametrize("app", [broken_wsgi, broken_asgi], ids=["wsgi", "asgi"])
@pytest.mark.parametrize("source", ALL_SOURCES)
def test_exception_escaping_the_app_becomes_a_logged_500(
    app: object, source: str, caplog: pytest.LogCaptureFixture
) -> None:
    handler = lambdaworks.handler(app)
    response = LambdaClient(handler, source).get("/x")
    assert response.status == 500
    assert response.json() == {"message": "Internal Server Error"}
    assert "ValueError: no database" in caplog.text
    assert "/x raised; answering 500" in caplog.text
    assert LambdaClient(handler, source).get("/y").status == 500  # still serving


def test_fastapi_sync_endpoint_and_json_body() -> None:
    response = LambdaClient(FASTAPI, "http-v2").post("/items", json={"name": "pen"})
    assert response.status == 200
    assert response.json() == {"created": {"name": "pen"}}


def test_fastapi_unknown_route_is_the_apps_404() -> None:
    assert LambdaClient(FASTAPI, "apigw-v1").get("/nope").status == 404


def test_the_base_path_comes_from_the_environment_deploy_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    """`lambdaworks deploy` sets LAMBDAWORKS_BASE_PATH on functions behind a custom domain's mapping."""
    monkeypatch.setenv("LAMBDAWORKS_BASE_PATH", "/api")
    handler = lambdaworks.handler(flask_app.app)
    event = {"base_path": "api", "route_key": "$default"}
    response = LambdaClient(handler, "http-v2", **event).get("/hello/bob")
    assert response.json()["url"] == "https://api.example.com/api/hello/bob"
    explicit = lambdaworks.handler(flask_app.app, base_path="")  # an explicit setting wins
    assert LambdaClient(explicit, "http-v2", **event).get("/hello/bob").status == 404
