"""One OpenAPI 3 document per API, merged from the routes each function declares.

Each operation carries API Gateway's Lambda proxy integration, its path parameters and its
authorizer, so the document imports as the API (``aws apigateway import-rest-api`` or an HttpApi
``DefinitionBody``) and doubles as the API's reference for client generators.
"""

from __future__ import annotations

import re
from typing import Any

from lambdaworks.deploy.names import logical_id
from lambdaworks.project.model import IAM_AUTH, Api, Project, Route
from lambdaworks.wire.results import ALL_MEDIA_TYPES

ANY = "x-amazon-apigateway-any-method"


def openapi(project: Project, api_name: str) -> dict[str, Any]:
    """The OpenAPI document of ``api_name``: every route of every function on it."""
    api = project.apis[api_name]
    paths: dict[str, dict[str, Any]] = {}
    for route in sorted(project.routes, key=lambda r: (r.path, r.method)):
        if route.api == api_name:
            paths.setdefault(route.path, {})[ANY if route.method == "ANY" else route.method.lower()] = operation(
                api, route
            )
    document: dict[str, Any] = {
        "openapi": "3.0.1",
        "info": {"title": f"{project.root.name}-{api_name}", "version": "1.0"},
        "paths": paths,
    }
    if api.kind == "rest":
        document["x-amazon-apigateway-binary-media-types"] = list(api.binary_media_types) or [ALL_MEDIA_TYPES]
    schemes = security_schemes(api)
    if schemes:
        document["components"] = {"securitySchemes": schemes}
    return document


def operation(api: Api, route: Route) -> dict[str, Any]:
    function = logical_id(route.function, "Function")
    integration: dict[str, Any] = {
        "type": "aws_proxy",
        "httpMethod": "POST",
        "uri": {
            "Fn::Sub": f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/"
            f"${{{function}.Arn}}/invocations"
        },
    }
    if api.kind == "http":
        integration["payloadFormatVersion"] = route.payload_version
        if route.integration_timeout is not None:
            integration["timeoutInMillis"] = round(route.integration_timeout * 1000)
    op: dict[str, Any] = {
        "operationId": f"{route.function}.{route.method.lower()}{re.sub(r'[^A-Za-z0-9]+', '_', route.path)}".rstrip(
            "_"
        ),
        "responses": {},
        "x-amazon-apigateway-integration": integration,
    }
    parameters = [
        {"name": name.rstrip("+"), "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"\{([^}]+)\}", route.path)
    ]
    if parameters:
        op["parameters"] = parameters
    if route.authorizer == IAM_AUTH:
        op["x-amazon-apigateway-auth"] = {"type": "AWS_IAM"}
    elif route.authorizer is not None:
        op["security"] = [{route.authorizer: list(route.scopes)}]
    return op


def security_schemes(api: Api) -> dict[str, Any]:
    schemes: dict[str, Any] = {}
    for name, authorizer in api.authorizers.items():
        where, header = authorizer.identity[0] if authorizer.identity else ("header", "Authorization")
        scheme: dict[str, Any] = {
            "type": "apiKey",
            "name": header,
            "in": "query" if where == "query" else "header",
        }
        if authorizer.kind == "jwt":
            scheme["x-amazon-apigateway-authorizer"] = {
                "type": "jwt",
                "jwtConfiguration": {"issuer": authorizer.issuer, "audience": list(authorizer.audience)},
                "identitySource": f"$request.header.{header}",
            }
        else:
            scheme["x-amazon-apigateway-authtype"] = "custom"
            scheme["x-amazon-apigateway-authorizer"] = {
                "type": authorizer.kind if api.kind == "rest" else "request",
                "authorizerResultTtlInSeconds": authorizer.ttl,
                "authorizerUri": {
                    "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                    f"${{{logical_id(str(authorizer.function), 'Function')}.Arn}}/invocations"
                },
            }
        schemes[name] = scheme
    return schemes
