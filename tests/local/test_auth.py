"""Authorizers and CORS on a live emulator, over real HTTP: Lambda TOKEN/REQUEST (REST), Lambda 1.0/2.0
and JWT (HTTP API) with a locally generated key pair and a JWKS served on loopback, AWS_IAM."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.local.conftest import LiveEmulator

PROJECT = Path(__file__).resolve().parents[1] / "apps" / "auth_project"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks_document() -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    return {"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}


class Issuer(http.server.ThreadingHTTPServer):
    """An OpenID issuer on loopback: discovery document and JWKS."""

    def __init__(self) -> None:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/issuer/.well-known/openid-configuration":
                    body = {"issuer": outer.url, "jwks_uri": outer.url + "/jwks.json"}
                elif self.path == "/issuer/jwks.json":
                    outer.jwks_fetches += 1
                    body = jwks_document()
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/issuer"
        self.jwks_fetches = 0


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    server = Issuer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def live(issuer: Issuer) -> Iterator[LiveEmulator]:
    emulator = LiveEmulator(PROJECT, "--parameter-overrides", f"Issuer={issuer.url}")
    yield emulator
    emulator.stop()


def token(issuer: str, key: Any = KEY, kid: str = "k1", **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": issuer, "aud": "my-app", "sub": "user-1", "iat": now, "exp": now + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def get(live: LiveEmulator, path: str, **headers: str) -> httpx.Response:
    return httpx.get(live.url + path, headers=headers, timeout=20)


def authorizer_of(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["authorizer"]


# -- REST: Lambda TOKEN ---------------------------------------------------------------------------


def test_token_allow_populates_the_request_context(live: LiveEmulator) -> None:
    context = authorizer_of(get(live, "/rest/token", Authorization="Bearer allow-bob"))
    assert context["principalId"] == "bob"
    assert context["user"] == "bob"
    assert context["n"] == "7"  # context values reach the function as strings, as on AWS
    assert context["admin"] == "true"
    assert isinstance(context["integrationLatency"], int)


def test_token_missing_or_not_matching_the_validation_expression_is_401(live: LiveEmulator) -> None:
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Basic abc"}):
        response = get(live, "/rest/token", **headers)
        assert response.status_code == 401
        assert response.json() == {"message": "Unauthorized"}


def test_token_deny_and_uncovered_arn_are_403(live: LiveEmulator) -> None:
    response = get(live, "/rest/token", Authorization="Bearer deny")
    assert response.status_code == 403
    assert response.json() == {"message": "User is not authorized to access this resource with an explicit deny"}
    response = get(live, "/rest/token", Authorization="Bearer elsewhere")
    assert response.status_code == 403
    assert response.json() == {"message": "User is not authorized to access this resource"}


def test_authorizer_errors(live: LiveEmulator) -> None:
    assert get(live, "/rest/token", Authorization="Bearer unauthorized").status_code == 401
    for bad in ("crash", "malformed", "nested"):
        response = get(live, "/rest/token", Authorization=f"Bearer {bad}")
        assert response.status_code == 500, bad
        assert response.json() == {"message": None}
        assert response.headers["x-amzn-ErrorType"] == "AuthorizerConfigurationException"


def test_results_are_cached_per_token_and_reevaluated_per_method_arn(live: LiveEmulator) -> None:
    first = authorizer_of(get(live, "/rest/token", Authorization="Bearer allow-carol"))
    again = authorizer_of(get(live, "/rest/token", Authorization="Bearer allow-carol"))
    assert again["calls"] == first["calls"]  # served from the cache: the authorizer did not run
    other = authorizer_of(get(live, "/rest/other", Authorization="Bearer allow-carol"))
    assert other["calls"] == first["calls"]  # the cached policy covers GET /rest/other too ...
    response = httpx.post(live.url + "/rest/other", headers={"Authorization": "Bearer allow-carol"}, timeout=20)
    assert response.status_code == 403  # ... but not POST: evaluated again, still from the cache
    fresh = authorizer_of(get(live, "/rest/token", Authorization="Bearer allow-dave"))
    assert fresh["calls"] != first["calls"]


def test_reauthorize_every_zero_disables_the_cache(live: LiveEmulator) -> None:
    one = authorizer_of(get(live, "/rest/nocache", Authorization="Bearer allow-erin"))
    two = authorizer_of(get(live, "/rest/nocache", Authorization="Bearer allow-erin"))
    assert int(two["calls"]) == int(one["calls"]) + 1


def test_open_route_and_aws_iam(live: LiveEmulator) -> None:
    assert authorizer_of(get(live, "/rest/open")) is None
    response = get(live, "/rest/iam")
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}
    assert get(live, "/rest/iam", Authorization="AWS4-HMAC-SHA256 Credential=x").status_code == 200
    assert any(
        "AWS_IAM routes (GET /rest/iam): SigV4 signatures are not verified locally" in line for line in live.lines
    )


# -- REST: Lambda REQUEST ---------------------------------------------------------------------------


def test_request_authorizer_needs_every_identity_source(live: LiveEmulator) -> None:
    assert get(live, "/rest/request?tenant=acme").status_code == 401
    assert get(live, "/rest/request", **{"X-User": "frank"}).status_code == 401
    context = authorizer_of(get(live, "/rest/request?tenant=acme", **{"X-User": "frank"}))
    assert context["principalId"] == "frank"
    assert context["tenant"] == "acme"


# -- HTTP API: Lambda 2.0 (simple) and 1.0 (policy) --------------------------------------------------


def test_http_simple_response(live: LiveEmulator) -> None:
    assert get(live, "/http/simple").status_code == 401
    denied = get(live, "/http/simple", **{"X-User": "mallory"})
    assert denied.status_code == 403
    assert denied.json() == {"message": "Forbidden"}
    context = authorizer_of(get(live, "/http/simple", **{"X-User": "alice"}))
    assert context == {"lambda": {"user": "alice", "n": 7, "route": "GET /http/simple"}}


def test_http_lambda_authorizer_errors_and_cache(live: LiveEmulator) -> None:
    response = get(live, "/http/simple", **{"X-User": "crash"})
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    one = authorizer_of(get(live, "/http/cached", **{"X-User": "alice"}))
    two = authorizer_of(get(live, "/http/cached", **{"X-User": "alice"}))
    assert one == two  # ReauthorizeEvery: 300 - the authorizer ran once
    three = authorizer_of(get(live, "/http/simple", **{"X-User": "alice"}))  # Simple: no cache
    assert three["lambda"]["user"] == "alice"
    assert get(live, "/http/cached", **{"X-User": "mallory"}).status_code == 403


def test_http_policy_response_payload_1(live: LiveEmulator) -> None:
    assert get(live, "/http/policy", **{"X-User": "mallory"}).status_code == 403
    assert authorizer_of(get(live, "/http/policy", **{"X-User": "alice"})) == {"lambda": {"user": "alice"}}


# -- HTTP API: JWT ---------------------------------------------------------------------------------


def test_jwt_valid_token(live: LiveEmulator, issuer: Issuer) -> None:
    context = authorizer_of(get(live, "/http/jwt", Authorization=f"Bearer {token(issuer.url, scope='a b')}"))
    assert context["jwt"]["claims"]["sub"] == "user-1"
    assert context["jwt"]["claims"]["aud"] == "my-app"
    assert context["jwt"]["claims"]["exp"].isdigit()  # claims are strings
    assert context["jwt"]["scopes"] == ["a", "b"]
    # without the "Bearer " prefix too, as API Gateway accepts
    assert get(live, "/http/jwt", Authorization=token(issuer.url)).status_code == 200


@pytest.mark.parametrize(
    ("make", "description"),
    [
        (lambda url: token(url, exp=int(time.time()) - 10), "the token has expired"),
        (lambda url: token(url, nbf=int(time.time()) + 600), "the token is not valid yet"),
        (lambda url: token("https://other.example"), "the token has an unexpected issuer"),
        (lambda url: token(url, aud="someone-else"), "the token does not have a valid audience"),
        (lambda url: token(url, key=OTHER_KEY), "invalid token: Signature verification failed"),
        (lambda url: token(url, kid="k9"), "no key 'k9' in the issuer's JWKS"),
        (lambda url: "not.a.jwt", "the token is not a JWT"),
    ],
)
def test_jwt_invalid_tokens_are_401(live: LiveEmulator, issuer: Issuer, make: Any, description: str) -> None:
    response = get(live, "/http/jwt", Authorization=f"Bearer {make(issuer.url)}")
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    assert f'error="invalid_token" error_description="{description}' in response.headers["www-authenticate"]


def test_jwt_audience_from_client_id(live: LiveEmulator, issuer: Issuer) -> None:
    now = int(time.time())
    claims = {"iss": issuer.url, "client_id": "my-app", "iat": now, "exp": now + 60}
    signed = jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})
    assert get(live, "/http/jwt", Authorization=f"Bearer {signed}").status_code == 200


def test_jwt_missing_token_and_scopes(live: LiveEmulator, issuer: Issuer) -> None:
    assert get(live, "/http/jwt").status_code == 401
    response = get(live, "/http/scoped", Authorization=f"Bearer {token(issuer.url, scope='items/write')}")
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    scp = token(issuer.url, scp=["items/read"])
    assert authorizer_of(get(live, "/http/scoped", Authorization=f"Bearer {scp}"))["jwt"]["scopes"] == ["items/read"]


def test_jwks_file_for_an_issuer_off_this_machine(tmp_path: Path) -> None:
    (tmp_path / "jwks.json").write_text(json.dumps(jwks_document()))
    remote = "https://issuer.example"
    live = LiveEmulator(
        PROJECT, "--parameter-overrides", f"Issuer={remote}", "--jwks", f"{remote}={tmp_path / 'jwks.json'}"
    )
    try:
        assert get(live, "/http/jwt", Authorization=f"Bearer {token(remote)}").status_code == 200
        assert not any("has no JWKS reachable locally" in line for line in live.lines)
    finally:
        live.stop()


# -- CORS --------------------------------------------------------------------------------------------


def preflight(live: LiveEmulator, path: str, origin: str, method: str = "GET", headers: str = "") -> httpx.Response:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return httpx.options(live.url + path, headers=sent, timeout=20)


def test_http_api_preflight_is_answered_by_the_gateway(live: LiveEmulator) -> None:
    response = preflight(live, "/http/jwt", "https://app.example", "POST", "Authorization, Content-Type")
    assert response.status_code == 204  # before the JWT authorizer, which would say 401
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert response.headers["access-control-allow-methods"] == "GET,POST"
    assert response.headers["access-control-allow-headers"] == "authorization,content-type"
    assert response.headers["access-control-max-age"] == "300"
    assert response.headers["access-control-allow-credentials"] == "true"
    for refused in (
        preflight(live, "/http/jwt", "https://evil.example"),
        preflight(live, "/http/jwt", "https://app.example", "DELETE"),
        preflight(live, "/http/jwt", "https://app.example", "GET", "x-secret"),
    ):
        assert refused.status_code == 204
        assert "access-control-allow-origin" not in refused.headers


def test_http_api_responses_get_the_gateway_cors_headers(live: LiveEmulator) -> None:
    response = httpx.post(live.url + "/http/open", headers={"Origin": "https://app.example"}, timeout=20)
    assert response.status_code == 200
    assert response.headers.get_list("access-control-allow-origin") == ["https://app.example"]  # not the function's
    assert response.headers["access-control-expose-headers"] == "x-request-id"
    other = httpx.post(live.url + "/http/open", headers={"Origin": "https://evil.example"}, timeout=20)
    assert "access-control-allow-origin" not in other.headers


def test_rest_preflight_is_the_mock_sam_adds(live: LiveEmulator) -> None:
    response = preflight(live, "/rest/token", "https://anything.example")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert response.headers["access-control-allow-methods"] == "GET,OPTIONS"
    assert response.headers["access-control-allow-headers"] == "Authorization,Content-Type"
    assert response.headers["access-control-max-age"] == "600"
    any_route = preflight(live, "/rest/other", "https://app.example")
    assert any_route.headers["access-control-allow-methods"] == "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT"
    # other REST responses keep what the function sent, as on AWS
    open_route = get(live, "/rest/open", Origin="https://app.example")
    assert open_route.headers["access-control-allow-origin"] == "https://evil.example"
