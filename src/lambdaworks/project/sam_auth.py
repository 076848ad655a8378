"""SAM ``Auth``, ``Cors`` and ``CorsConfiguration``: an API's authorizers and CORS, a route's authorizer.

Anything in ``Auth`` the emulator cannot apply (Cognito user pools, API keys, resource policies)
is named in a warning, never silently dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from lambdaworks.project.errors import TemplateError
from lambdaworks.project.model import (
    IAM_AUTH,
    NO_AUTH,
    Api,
    Authorizer,
    Cors,
    frozen_map,
    function_name_of,
)

#: API Gateway's identity-source prefixes -> where the value is read.
SOURCES = {
    "method.request.header.": "header",
    "method.request.querystring.": "query",
    "stageVariables.": "stage",
    "context.": "context",
    "$request.header.": "header",
    "$request.querystring.": "query",
    "$stageVariables.": "stage",
    "$context.": "context",
}
REST_AUTH_TTL = 300  # SAM's ReauthorizeEvery default for REST Lambda authorizers
_IGNORED_AUTH = {
    "ApiKeyRequired": "API keys are not checked locally",
    "UsagePlan": "usage plans are not enforced locally",
    "ResourcePolicy": "resource policies are not evaluated locally",
    "InvokeRole": "",
    "AddDefaultAuthorizerToCorsPreflight": "",
    "AddApiKeyRequiredToCorsPreflight": "",
    "EnableIamAuthorizer": "",
}


def identity_source(expression: str) -> tuple[str, str]:
    """``$request.header.Authorization`` (or the REST spelling) -> ``("header", "Authorization")``."""
    for prefix, where in SOURCES.items():
        if expression.startswith(prefix):
            return where, expression[len(prefix) :]
    raise ValueError(f"unknown identity source {expression!r}")


def _function(arn: Any, resources: Mapping[str, Any]) -> str | None:
    named = function_name_of(str(arn))
    return named if named in resources else None


def _identity(spec: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for key, where in (
        ("Headers", "header"),
        ("QueryStrings", "query"),
        ("StageVariables", "stage"),
        ("Context", "context"),
    ):
        pairs.extend((where, str(name)) for name in spec.get(key) or ())
    return tuple(pairs)


def api_auth(
    api: str, kind: str, auth: Mapping[str, Any], resources: Mapping[str, Any], warn: Callable[[str], None]
) -> tuple[dict[str, Authorizer], str | None]:
    """The authorizers an API's ``Auth`` declares, and its ``DefaultAuthorizer``."""
    authorizers: dict[str, Authorizer] = {}
    for key, why in _IGNORED_AUTH.items():
        if key in auth and why:
            warn(f"{api}: Auth.{key}: {why}")
    for name, spec in (auth.get("Authorizers") or {}).items():
        where = f"{api}: authorizer {name}"
        if not isinstance(spec, dict):
            raise TemplateError(f"authorizer {name} is not a mapping", resource=api)
        if "UserPoolArn" in spec:
            warn(f"{where}: Cognito user pool authorizers are not emulated; its routes answer 401")
            authorizers[name] = Authorizer(name=name, kind="cognito")
            continue
        if "JwtConfiguration" in spec:
            jwt = spec.get("JwtConfiguration") or {}
            audience = jwt.get("audience") or []
            authorizers[name] = Authorizer(
                name=name,
                kind="jwt",
                identity=(identity_source(str(spec.get("IdentitySource", "$request.header.Authorization"))),),
                issuer=str(jwt.get("issuer") or ""),
                audience=tuple(str(a) for a in (audience if isinstance(audience, list) else [audience])),
            )
            continue
        function = _function(spec.get("FunctionArn"), resources)
        if function is None:
            warn(f"{where}: FunctionArn {spec.get('FunctionArn')!r} is not a function of this template; it answers 500")
        identity = spec.get("Identity") or {}
        if kind == "rest":
            token = str(spec.get("FunctionPayloadType", "TOKEN")).upper() == "TOKEN"
            authorizers[name] = Authorizer(
                name=name,
                kind="token" if token else "request",
                function=function,
                identity=(("header", str(identity.get("Header", "Authorization"))),) if token else _identity(identity),
                validation=identity.get("ValidationExpression") if token else None,
                ttl=int(identity.get("ReauthorizeEvery", REST_AUTH_TTL)),
            )
        else:
            version = str(spec.get("AuthorizerPayloadFormatVersion", ""))
            if version not in ("1.0", "2.0"):
                raise TemplateError(
                    f"authorizer {name}: AuthorizerPayloadFormatVersion must be 1.0 or 2.0", resource=api
                )
            authorizers[name] = Authorizer(
                name=name,
                kind="request",
                function=function,
                identity=_identity(identity),
                ttl=int(identity.get("ReauthorizeEvery", 0)),
                payload_version=version,
                simple_responses=bool(spec.get("EnableSimpleResponses", False)) and version == "2.0",
            )
    default = auth.get("DefaultAuthorizer")
    if default is not None and default not in authorizers and default not in (IAM_AUTH, NO_AUTH):
        raise TemplateError(f"DefaultAuthorizer {default} is not one of its Authorizers", resource=api)
    return authorizers, (None if default in (None, NO_AUTH) else str(default))


def _literal(value: Any) -> str:
    """A REST ``Cors`` value is a header literal in single quotes: ``"'*'"`` -> ``*``."""
    text = str(value).strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text


def _list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


def api_cors(kind: str, props: Mapping[str, Any]) -> Cors | None:
    """``Cors`` (REST: header literals) or ``CorsConfiguration`` (HTTP API: lists)."""
    if kind == "rest":
        spec = props.get("Cors")
        if spec is None:
            return None
        if not isinstance(spec, dict):
            return Cors(allow_origins=(_literal(spec),))
        max_age = spec.get("MaxAge")
        return Cors(
            allow_origins=(_literal(spec.get("AllowOrigin", "'*'")),),
            allow_methods=_list(_literal(spec["AllowMethods"])) if "AllowMethods" in spec else (),
            allow_headers=_list(_literal(spec["AllowHeaders"])) if "AllowHeaders" in spec else (),
            max_age=int(_literal(max_age)) if max_age is not None else None,
            allow_credentials=bool(spec.get("AllowCredentials", False)),
        )
    spec = props.get("CorsConfiguration")
    if spec is None or spec is False:
        return None
    if spec is True:
        return Cors(allow_origins=("*",), allow_methods=("*",), allow_headers=("*",))
    return Cors(
        allow_origins=_list(spec.get("AllowOrigins")),
        allow_methods=tuple(m.upper() for m in _list(spec.get("AllowMethods"))),
        allow_headers=_list(spec.get("AllowHeaders")),
        expose_headers=_list(spec.get("ExposeHeaders")),
        max_age=int(spec["MaxAge"]) if spec.get("MaxAge") is not None else None,
        allow_credentials=bool(spec.get("AllowCredentials", False)),
    )


def with_auth_and_cors(
    api: Api, props: Mapping[str, Any], resources: Mapping[str, Any], warn: Callable[[str], None]
) -> Api:
    """``api`` with the authorizers and CORS its properties declare."""
    authorizers, default = api_auth(api.name, api.kind, props.get("Auth") or {}, resources, warn)
    return dataclasses.replace(
        api, authorizers=frozen_map(authorizers), default_authorizer=default, cors=api_cors(api.kind, props)
    )


def route_auth(function: str, event: str, props: Mapping[str, Any], api: Api) -> tuple[str | None, tuple[str, ...]]:
    """The authorizer a route runs (``None``: open) and the scopes it requires."""
    auth = props.get("Auth") or {}
    name = auth.get("Authorizer", api.default_authorizer)
    if name in (None, NO_AUTH):
        return None, ()
    if name != IAM_AUTH and name not in api.authorizers:
        raise TemplateError(
            f"event {event}: Auth.Authorizer {name} is not an authorizer of {api.name}", resource=function
        )
    scopes = tuple(str(s) for s in auth.get("AuthorizationScopes") or ())
    return str(name), scopes
