"""An echo function and authorizers that answer according to the token, for the authorizer tests."""

from __future__ import annotations

import json
from typing import Any

CALLS = {"n": 0}


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "Access-Control-Allow-Origin": "https://evil.example"},
        "body": json.dumps({"authorizer": event["requestContext"].get("authorizer")}),
    }


def _policy(effect: str, resource: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
    }


def authorizer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """REST TOKEN and REQUEST: the token (or X-User header) says what to answer."""
    CALLS["n"] += 1
    if event["type"] == "REQUEST":
        user = event["headers"].get("X-User") or event["headers"].get("x-user")
        tenant = event["queryStringParameters"]["tenant"]
        return {
            "principalId": user,
            "policyDocument": _policy("Allow", event["methodArn"]),
            "context": {"tenant": tenant},
        }
    token = event["authorizationToken"].split(" ", 1)[1]
    arn = event["methodArn"]
    if token == "unauthorized":
        raise Exception("Unauthorized")
    if token == "crash":
        raise ValueError("authorizer bug")
    if token == "malformed":
        return {"principalId": "x"}
    if token == "nested":
        return {"principalId": "x", "policyDocument": _policy("Allow", arn), "context": {"obj": {"a": 1}}}
    if token == "deny":
        return {"principalId": "x", "policyDocument": _policy("Deny", arn)}
    if token == "elsewhere":
        return {"principalId": "x", "policyDocument": _policy("Allow", arn.rsplit("/", 2)[0] + "/POST/other")}
    # "allow-NAME": allow every GET of the stage, so a cached policy also covers other GET routes
    stage_gets = arn.split("/", 2)[0] + "/" + arn.split("/")[1] + "/GET/*"
    return {
        "principalId": token.removeprefix("allow-"),
        "policyDocument": _policy("Allow", stage_gets),
        "context": {"user": token.removeprefix("allow-"), "n": 7, "admin": True, "calls": CALLS["n"]},
        "usageIdentifierKey": "key-1",
    }


def http_authorizer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """HTTP API Lambda authorizer, payload 2.0 (simple response) or 1.0 (IAM policy)."""
    CALLS["n"] += 1
    user = event["identitySource"][0] if event["version"] == "2.0" else event["identitySource"]
    if user == "crash":
        raise ValueError("authorizer bug")
    if event["version"] == "2.0":
        context = {"user": user, "n": 7, "route": event["routeKey"]}
        if event["routeKey"] == "GET /http/cached":
            context = {"calls": CALLS["n"]}
        return {"isAuthorized": user == "alice", "context": context}
    effect = "Allow" if user == "alice" else "Deny"
    return {"principalId": user, "policyDocument": _policy(effect, event["methodArn"]), "context": {"user": user}}
