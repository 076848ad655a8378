"""API Gateway authorizers in front of a route: Lambda TOKEN/REQUEST (REST), Lambda 1.0/2.0 and JWT
(HTTP API), and AWS_IAM (accepted unverified, with a warning at startup).

Outcomes are API Gateway's: a missing identity source is 401 without calling the authorizer; an
authorizer raising ``Unauthorized`` is 401; a policy that denies (or does not allow) the method ARN
is 403; any other authorizer failure or a malformed answer is 500. Results are cached per identity
for the authorizer's TTL, and a cached policy is evaluated again for each method ARN, as on AWS.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from lambdaworks.local.http import Request, Response, json_response
from lambdaworks.local.invoker import QUEUE_WAIT, Invoker
from lambdaworks.local.jwt_auth import JwtRejected, JwtVerifier, stringify_claims, token_scopes
from lambdaworks.local.logs import Logs
from lambdaworks.local.pool import Throttled
from lambdaworks.project.model import IAM_AUTH, Api, Authorizer, Project, Route
from lambdaworks.wire.common import ACCOUNT, REGION

UNAUTHORIZED = b'{"message":"Unauthorized"}'
REST_DENIED = b'{"message":"User is not authorized to access this resource"}'
REST_EXPLICIT_DENY = b'{"message":"User is not authorized to access this resource with an explicit deny"}'
HTTP_FORBIDDEN = b'{"message":"Forbidden"}'


class Malformed(Exception):
    """The authorizer answered something API Gateway cannot use (a 500)."""


@dataclass
class Verdict:
    """Either a response the gateway sends instead of running the route, or the route's
    ``requestContext.authorizer`` (``None`` for routes without one)."""

    response: Response | None = None
    context: dict[str, Any] | None = None


def _glob(pattern: str, value: str) -> bool:
    """IAM's wildcard match: ``*`` any run of characters, ``?`` one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def evaluate(policy: Any, arn: str) -> str:
    """``allow``, ``deny`` (explicit) or ``implicit`` for ``execute-api:Invoke`` on ``arn``."""
    if not isinstance(policy, dict) or "Statement" not in policy:
        raise Malformed("policyDocument needs a Statement")
    statements = policy["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list):
        raise Malformed("Statement must be a list")
    allowed = False
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise Malformed(f"bad statement {statement!r}")
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if not any(_glob(a.lower(), "execute-api:invoke") for a in actions if isinstance(a, str)):
            continue
        if not any(_glob(r, arn) for r in resources if isinstance(r, str)):
            continue
        if statement["Effect"] == "Deny":
            return "deny"
        allowed = True
    return "allow" if allowed else "implicit"


def _context_values(context: Any, stringify: bool) -> dict[str, Any]:
    """The authorizer's ``context``: strings, numbers and booleans only (AWS refuses objects)."""
    if context is None:
        return {}
    if not isinstance(context, dict):
        raise Malformed("context must be an object")
    out: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, (dict, list)) and stringify:
            raise Malformed(f"context value {key!r} must be a string, number or boolean")
        if stringify:
            out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        else:
            out[key] = value
    return out


class Authorization:
    """Runs a route's authorizer for a request, with the result cache of each authorizer."""

    def __init__(self, invoker: Invoker, logs: Logs, jwt: JwtVerifier) -> None:
        self.invoker = invoker
        self.logs = logs
        self.jwt = jwt
        self.cache: dict[tuple[str, str, tuple[str, ...]], tuple[float, dict[str, Any]]] = {}

    def clear(self) -> None:
        """Forget cached results (after a template reload)."""
        self.cache.clear()

    async def check(self, request: Request, api: Api, route: Route, event: dict[str, Any]) -> Verdict:
        if route.authorizer is None:
            return Verdict()
        if route.authorizer == IAM_AUTH:
            if not request.header("authorization"):
                return Verdict(json_response(403, b'{"message":"Missing Authentication Token"}'))
            return Verdict()  # SigV4 is not verified locally (the startup warning says so)
        authorizer = api.authorizers[route.authorizer]
        arn = self.method_arn(api, request, event)
        identity = self.identity(authorizer, request, event)
        if authorizer.kind == "jwt":
            return await self._jwt(authorizer, route, identity)
        if identity is None or authorizer.kind == "cognito":
            return Verdict(json_response(401, UNAUTHORIZED))
        if (
            authorizer.kind == "token"
            and authorizer.validation
            and not re.fullmatch(authorizer.validation, identity[0])
        ):
            return Verdict(json_response(401, UNAUTHORIZED))
        try:
            return await self._lambda(api, authorizer, arn, identity, event)
        except Malformed as exc:
            self.logs.line("lambdaworks", f"authorizer {authorizer.name}: {exc}; answering 500")
            return Verdict(self._error(api))

    @staticmethod
    def method_arn(api: Api, request: Request, event: dict[str, Any]) -> str:
        api_id = event["requestContext"].get("apiId", "local")
        return (
            f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/{api.stage}/{request.method}/{request.path.lstrip('/')}"
        )

    @staticmethod
    def identity(authorizer: Authorizer, request: Request, event: dict[str, Any]) -> tuple[str, ...] | None:
        """The identity sources' values, or None when one is missing or empty (401 without a call)."""
        values: list[str] = []
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        for where, name in authorizer.identity:
            value: Any
            if where == "header":
                value = request.header(name)
            elif where == "query":
                value = query.get(name)
            elif where == "context":
                value = event["requestContext"]
                for part in name.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
            else:  # stage variables: none are defined locally
                value = None
            if value is None or value == "":
                return None
            values.append(str(value))
        return tuple(values)

    def _error(self, api: Api) -> Response:
        if api.kind == "rest":
            return json_response(500, b'{"message":null}', [("x-amzn-ErrorType", "AuthorizerConfigurationException")])
        return json_response(500, b'{"message":"Internal Server Error"}')

    async def _lambda(
        self, api: Api, authorizer: Authorizer, arn: str, identity: tuple[str, ...], event: dict[str, Any]
    ) -> Verdict:
        key = (api.name, authorizer.name, identity)
        cached = self.cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            result = cached[1]
        else:
            payload = self.authorizer_event(api, authorizer, arn, identity, event)
            if authorizer.function is None:
                raise Malformed("its function is not in the project")
            started = time.perf_counter()
            try:
                outcome = await self.invoker.invoke(authorizer.function, json.dumps(payload).encode(), wait=QUEUE_WAIT)
            except Throttled as exc:
                raise Malformed("the authorizer function is throttled") from exc
            if outcome.failed:
                message = ""
                with contextlib.suppress(ValueError, AttributeError):
                    message = str(json.loads(outcome.payload).get("errorMessage", ""))
                if message == "Unauthorized":
                    return Verdict(json_response(401, UNAUTHORIZED))
                raise Malformed(f"the authorizer failed ({outcome.error_type}: {message})")
            try:
                result = json.loads(outcome.payload)
            except ValueError as exc:
                raise Malformed("the authorizer's answer is not JSON") from exc
            if not isinstance(result, dict):
                raise Malformed("the authorizer's answer is not an object")
            result["_latency"] = round((time.perf_counter() - started) * 1000)
            if authorizer.ttl > 0 and authorizer.identity:
                self.cache[key] = (time.monotonic() + authorizer.ttl, result)
        return self._decide(api, authorizer, arn, result)

    def _decide(self, api: Api, authorizer: Authorizer, arn: str, result: dict[str, Any]) -> Verdict:
        if api.kind == "http" and authorizer.simple_responses:
            if not isinstance(result.get("isAuthorized"), bool):
                raise Malformed("a simple response needs isAuthorized: true or false")
            if not result["isAuthorized"]:
                return Verdict(json_response(403, HTTP_FORBIDDEN))
            return Verdict(context={"lambda": _context_values(result.get("context"), stringify=False)})
        if api.kind == "rest" and "principalId" not in result:
            raise Malformed("the answer has no principalId")
        decision = evaluate(result.get("policyDocument"), arn)
        if decision != "allow":
            if api.kind == "http":
                return Verdict(json_response(403, HTTP_FORBIDDEN))
            return Verdict(json_response(403, REST_EXPLICIT_DENY if decision == "deny" else REST_DENIED))
        if api.kind == "http":
            return Verdict(context={"lambda": _context_values(result.get("context"), stringify=False)})
        context = _context_values(result.get("context"), stringify=True)
        context["principalId"] = str(result["principalId"])
        context["integrationLatency"] = result.get("_latency", 0)
        return Verdict(context=context)

    @staticmethod
    def authorizer_event(
        api: Api, authorizer: Authorizer, arn: str, identity: tuple[str, ...], event: dict[str, Any]
    ) -> dict[str, Any]:
        """What API Gateway sends the authorizer function."""
        if authorizer.kind == "token":
            return {"type": "TOKEN", "methodArn": arn, "authorizationToken": identity[0]}
        if api.kind == "rest":
            keep = (
                "resource",
                "path",
                "httpMethod",
                "headers",
                "multiValueHeaders",
                "queryStringParameters",
                "multiValueQueryStringParameters",
                "pathParameters",
                "stageVariables",
                "requestContext",
            )
            return {"type": "REQUEST", "methodArn": arn, **{k: event.get(k) for k in keep}}
        if authorizer.payload_version == "2.0":
            keep_v2 = (
                "routeKey",
                "rawPath",
                "rawQueryString",
                "cookies",
                "headers",
                "queryStringParameters",
                "requestContext",
                "pathParameters",
                "stageVariables",
            )
            body = {k: event[k] for k in keep_v2 if k in event}
            return {"version": "2.0", "type": "REQUEST", "routeArn": arn, "identitySource": list(identity), **body}
        joined = ",".join(identity)
        body = {k: v for k, v in event.items() if k not in ("body", "isBase64Encoded", "version")}
        return {
            "version": "1.0",
            "type": "REQUEST",
            "methodArn": arn,
            "identitySource": joined,
            "authorizationToken": joined,
            **body,
        }

    async def _jwt(self, authorizer: Authorizer, route: Route, identity: tuple[str, ...] | None) -> Verdict:
        challenge = [("www-authenticate", "Bearer")]
        if identity is None:
            return Verdict(json_response(401, UNAUTHORIZED, challenge))
        token = identity[0]
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            claims = await self.jwt.verify(authorizer, token)
        except JwtRejected as exc:
            description = str(exc).replace('"', "'")
            header = f'Bearer scope="" error="invalid_token" error_description="{description}"'
            return Verdict(json_response(401, UNAUTHORIZED, [("www-authenticate", header)]))
        scopes = token_scopes(claims)
        if route.scopes and not set(route.scopes) & set(scopes):
            wanted = " ".join(route.scopes)
            header = (
                f'Bearer scope="{wanted}" error="insufficient_scope" error_description="expected scopes: [{wanted}]"'
            )
            return Verdict(json_response(403, HTTP_FORBIDDEN, [("www-authenticate", header)]))
        return Verdict(context={"jwt": {"claims": stringify_claims(claims), "scopes": scopes or None}})


def startup_warnings(project: Project, verifier: JwtVerifier) -> list[str]:
    """What the emulator cannot check as AWS would, said once when it starts."""
    warnings = []
    iam = sorted({f"{r.method} {r.path}" for r in project.routes if r.authorizer == IAM_AUTH})
    if iam:
        warnings.append(
            f"AWS_IAM routes ({', '.join(iam)}): SigV4 signatures are not verified locally; "
            "a request needs an Authorization header, any will do"
        )
    for api in project.apis.values():
        for authorizer in api.authorizers.values():
            if authorizer.kind == "jwt" and verifier.source(authorizer) is None:
                warnings.append(
                    f"{api.name}: JWT authorizer {authorizer.name} has no JWKS reachable locally for issuer "
                    f"{authorizer.issuer}; pass --jwks {authorizer.issuer}=FILE_OR_URL (its routes answer 401)"
                )
    return warnings
