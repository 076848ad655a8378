"""The SAM template of a native config: functions, their roles, layers, APIs, domains and outputs.

What gets decided here rather than left to the user:

- REST APIs get ``BinaryMediaTypes: ["*/*"]`` unless the config lists its own, so a binary
  response (an image, a font, a gzip body) reaches the client as bytes; the runtime adapter then
  decides per response whether to base64 it.
- Each function has its own role with the execution policy plus only the ``policies`` it names.
- ``${Param}`` in ``env`` becomes a template parameter, except parameters kept in SSM or Secrets
  Manager, which become dynamic references: the value is never written into the template.
- A custom domain gets a certificate in the right region (us-east-1 for edge-optimised APIs), its
  base path mapping, an optional Route53 alias, and ``LAMBDAWORKS_BASE_PATH`` on the functions
  behind it so the adapter routes and builds URLs under that path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import lambdaworks
from lambdaworks.build.artifacts import BuildResult
from lambdaworks.deploy.artifacts import Location
from lambdaworks.deploy.errors import DeployError
from lambdaworks.deploy.layers import layer_id, layer_resource
from lambdaworks.deploy.names import logical_id, unique
from lambdaworks.project.model import Api, Authorizer, Destination, Domain, Function, Project, Route
from lambdaworks.project.names import pascal
from lambdaworks.runtime.adapter import BASE_PATH_ENV
from lambdaworks.wire.results import ALL_MEDIA_TYPES_SAM

TRANSFORM = "AWS::Serverless-2016-10-31"
ALL_BINARY = ALL_MEDIA_TYPES_SAM
#: Environment names that hold secrets; a literal value there is reported.
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIAL)", re.IGNORECASE)
SECRET_NAME_OK = re.compile(r"_(NAME|ARN|ID|PATH|URL|TTL|HEADER)$", re.IGNORECASE)
#: SAM's destination types by the service in an ARN.
DESTINATION_TYPES = {"sqs": "SQS", "sns": "SNS", "lambda": "Lambda", "events": "EventBridge", "s3": "S3Bucket"}


@dataclass(frozen=True)
class Settings:
    """What a deploy adds to the config: the region (certificates depend on it) and a stage override."""

    region: str = "us-east-1"
    stage: str | None = None


DEFAULT_SETTINGS = Settings()


def sam_template(
    project: Project,
    build: BuildResult,
    located: dict[str, Location],
    settings: Settings = DEFAULT_SETTINGS,
    warn: Callable[[str], None] = lambda message: None,
) -> dict[str, Any]:
    """The SAM template deploying ``project`` from the artifacts at ``located``."""
    return Writer(project, build, located, settings, warn).template()


class Writer:
    """One template: knows the logical ID of every function, API and layer."""

    def __init__(
        self,
        project: Project,
        build: BuildResult,
        located: dict[str, Location],
        settings: Settings,
        warn: Callable[[str], None],
    ) -> None:
        self.project = project
        self.build = build
        self.located = located
        self.settings = settings
        self.warn = warn
        self.function_ids = unique({name: logical_id(name, "Function") for name in project.functions}, "functions")
        self.api_ids = unique({name: logical_id(name, "Api") for name in project.apis}, "APIs")
        # each layer zip of the build, in the order functions first use them
        self.layers = list(dict.fromkeys(name for _, f in sorted(build.functions.items()) for name in f.layers))
        self.layer_ids = unique({name: layer_id(name) for name in self.layers}, "layers")
        self.resources: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}

    def template(self) -> dict[str, Any]:
        for name in self.layers:
            self.resources[self.layer_ids[name]] = layer_resource(self.build, name, self.located[name])
        for logical, service in sorted(self.project.services.items()):  # [resources]: as declared
            self.resources[logical] = dict(service.source)
        for _, api in sorted(self.project.apis.items()):
            self.api(api)
        for name, function in sorted(self.project.functions.items()):
            self.resources[self.function_ids[name]] = self.function(function)
            self.outputs[f"{self.function_ids[name]}Arn"] = {
                "Description": f"{name}: the function's ARN",
                "Value": {"Fn::GetAtt": [self.function_ids[name], "Arn"]},
            }
        template: dict[str, Any] = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Transform": TRANSFORM,
            "Description": f"{self.project.root.name}: deployed by lambdaworks {lambdaworks.__version__}",
        }
        parameters = self.parameters()
        if parameters:
            template["Parameters"] = parameters
        template["Resources"] = self.resources
        template["Outputs"] = self.outputs
        return template

    # -- parameters and environment --------------------------------------------------------------

    def parameters(self) -> dict[str, Any]:
        """Plain ``[parameters]`` as template parameters; stored ones are dynamic references instead."""
        return {
            name: {"Type": "String", "Default": parameter.default}
            for name, parameter in sorted(self.project.parameters.items())
            if parameter.reference is None
        }

    def environment(self, function: Function) -> dict[str, Any]:
        variables: dict[str, Any] = {}
        for key, value in sorted(function.environment.items()):
            source = function.environment_source.get(key, value)
            variables[key] = self.env_value(key, source, function.name)
        for key, path in self.base_paths(function).items():
            variables[key] = path
        return variables

    def env_value(self, key: str, source: str, function: str) -> Any:
        if "${" not in source:
            if SECRET_NAME.search(key) and not SECRET_NAME_OK.search(key) and source:
                self.warn(
                    f"{function}: env {key} holds a literal value that looks like a secret; it would be written "
                    f"into the template in plain text. Declare it as a parameter kept in SSM or Secrets Manager: "
                    f'[parameters] {pascal(key)} = {{ secret = "..." }}, then {key} = "${{{pascal(key)}}}"'
                )
            return source

        def stored(match: re.Match[str]) -> str:
            parameter = self.project.parameters.get(match.group(1))
            reference = parameter.reference if parameter is not None else None
            return reference if reference is not None else match.group(0)

        text = re.sub(r"\$\{([A-Za-z0-9_:.]+)\}", stored, source)
        return {"Fn::Sub": text} if "${" in text else text

    def base_paths(self, function: Function) -> dict[str, str]:
        """``LAMBDAWORKS_BASE_PATH`` for a function behind one custom domain's base path mapping."""
        paths = {
            api.domain.base_path
            for route in self.project.routes
            if route.function == function.name
            for api in [self.project.apis[route.api]]
            if api.domain is not None
        }
        if len(paths) > 1:
            self.warn(f"{function.name}: its APIs map different base paths ({', '.join(sorted(paths))}); none is set")
            return {}
        path = next(iter(paths), "")
        return {BASE_PATH_ENV: f"/{path}"} if path else {}

    # -- functions -------------------------------------------------------------------------------

    def function(self, function: Function) -> dict[str, Any]:
        built = self.build.functions[function.name]
        props: dict[str, Any] = {
            "CodeUri": self.located[built.code].uri,
            "Handler": function.handler or "bootstrap",
            "Runtime": function.runtime,
            "Architectures": [built.architecture],
            "MemorySize": function.memory_size,
            "Timeout": max(1, round(function.timeout)),
        }
        variables = self.environment(function)
        if variables:
            props["Environment"] = {"Variables": variables}
        if built.layers:
            props["Layers"] = [{"Ref": self.layer_ids[name]} for name in built.layers]
        if function.reserved_concurrency is not None:
            props["ReservedConcurrentExecutions"] = function.reserved_concurrency
        props["Policies"] = [self.policy(p) for p in function.policies] if function.policies else []
        invoke = self.event_invoke_config(function)
        if invoke:
            props["EventInvokeConfig"] = invoke
        dead_letter = function.async_config.dead_letter
        if dead_letter is not None:
            props["DeadLetterQueue"] = self.dead_letter_queue(function.name, dead_letter)
        events = self.events(function)
        if events:
            props["Events"] = events
        return {"Type": "AWS::Serverless::Function", "Properties": props}

    @staticmethod
    def policy(policy: Any) -> Any:
        """A policy as SAM takes it; a bare document gets its ``Version``."""
        if isinstance(policy, dict) and "Statement" in policy:
            return {"Version": "2012-10-17", **policy}
        return policy

    def destination(self, destination: Destination) -> dict[str, Any]:
        if destination.function is not None and destination.function in self.function_ids:
            target = {"Fn::GetAtt": [self.function_ids[destination.function], "Arn"]}
            return {"Type": "Lambda", "Destination": target}
        service = arn_service(destination.arn)
        if service not in DESTINATION_TYPES:
            raise DeployError(f"destination {destination.arn}: not an SQS, SNS, Lambda, EventBridge or S3 ARN")
        return {"Type": DESTINATION_TYPES[service], "Destination": destination.arn}

    def event_invoke_config(self, function: Function) -> dict[str, Any]:
        config = function.async_config
        default = type(config)()
        invoke: dict[str, Any] = {}
        if config.max_retries != default.max_retries:
            invoke["MaximumRetryAttempts"] = config.max_retries
        if config.max_event_age != default.max_event_age:
            invoke["MaximumEventAgeInSeconds"] = config.max_event_age
        destinations = {
            key: self.destination(target)
            for key, target in (("OnSuccess", config.on_success), ("OnFailure", config.on_failure))
            if target is not None
        }
        if destinations:
            invoke["DestinationConfig"] = destinations
        return invoke

    def dead_letter_queue(self, function: str, target: Destination) -> dict[str, Any]:
        service = arn_service(target.arn)
        if service not in ("sqs", "sns"):
            raise DeployError(f"{function}: dead_letter must be an SQS queue or SNS topic ARN, not {target.arn}")
        return {"Type": service.upper(), "TargetArn": target.arn}

    def events(self, function: Function) -> dict[str, Any]:
        events: dict[str, Any] = {}
        for event in function.events:
            # an event on a [resources] entry names it with intrinsics (its unresolved source)
            events[pascal(event.name)] = {"Type": event.kind, "Properties": dict(event.source or event.properties)}
        for route in self.project.routes:
            if route.function == function.name:
                events[self.event_name(route, events)] = self.route_event(route)
        return dict(sorted(events.items()))

    @staticmethod
    def event_name(route: Route, taken: dict[str, Any]) -> str:
        """``GET /items/{id}`` -> ``GetItemsId``; a number added when two routes would share a name."""
        words = route.path.replace("{", " ").replace("}", " ").replace("+", "")
        base = "Default" if route.path == "$default" else pascal(f"{route.method.lower()} {words}")
        name, number = base, 2
        while name in taken:
            name, number = f"{base}{number}", number + 1
        return name

    def route_event(self, route: Route) -> dict[str, Any]:
        api = self.project.apis[route.api]
        props: dict[str, Any] = {}
        if route.path != "$default":
            props["Path"] = route.path
            props["Method"] = route.method
        if api.kind == "rest":
            props["RestApiId"] = {"Ref": self.api_ids[api.name]}
        else:
            props["ApiId"] = {"Ref": self.api_ids[api.name]}
            props["PayloadFormatVersion"] = route.payload_version
            if route.integration_timeout is not None:
                props["TimeoutInMillis"] = round(route.integration_timeout * 1000)
        auth = self.route_auth(api, route)
        if auth:
            props["Auth"] = auth
        return {"Type": "Api" if api.kind == "rest" else "HttpApi", "Properties": props}

    @staticmethod
    def route_auth(api: Api, route: Route) -> dict[str, Any]:
        if route.authorizer == api.default_authorizer and not route.scopes:
            return {}
        auth: dict[str, Any] = {"Authorizer": route.authorizer or "NONE"}
        if route.scopes:
            auth["AuthorizationScopes"] = list(route.scopes)
        return auth

    # -- APIs ------------------------------------------------------------------------------------

    def stage(self, api: Api) -> str:
        return self.settings.stage or api.stage

    def api(self, api: Api) -> None:
        logical = self.api_ids[api.name]
        stage = self.stage(api)
        props: dict[str, Any] = {"StageName": stage, "Name": {"Fn::Sub": f"${{AWS::StackName}}-{api.name}"}}
        if api.kind == "rest":
            types = [t.replace("/", "~1") for t in api.binary_media_types] or [ALL_BINARY]
            props["BinaryMediaTypes"] = types
        if api.stage_variables:
            props["Variables" if api.kind == "rest" else "StageVariables"] = dict(api.stage_variables)
        auth = self.api_auth(api)
        if auth:
            props["Auth"] = auth
        cors = self.cors(api)
        if cors:
            props["Cors" if api.kind == "rest" else "CorsConfiguration"] = cors
        if api.domain is not None:
            props["Domain"] = self.domain(api, api.domain)
        kind = "AWS::Serverless::Api" if api.kind == "rest" else "AWS::Serverless::HttpApi"
        self.resources[logical] = {"Type": kind, "Properties": props}
        path = "" if stage == "$default" else f"{stage}/"
        self.outputs[f"{logical}Url"] = {
            "Description": f"{api.name}: the {'REST' if api.kind == 'rest' else 'HTTP'} API's URL",
            "Value": {"Fn::Sub": f"https://${{{logical}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{path}"},
        }

    def api_auth(self, api: Api) -> dict[str, Any]:
        if not api.authorizers and api.default_authorizer is None:
            return {}
        auth: dict[str, Any] = {}
        if api.authorizers:
            auth["Authorizers"] = {name: self.authorizer(api, a) for name, a in api.authorizers.items()}
        if api.default_authorizer is not None:
            auth["DefaultAuthorizer"] = api.default_authorizer
        return auth

    def authorizer(self, api: Api, authorizer: Authorizer) -> dict[str, Any]:
        if authorizer.kind == "jwt":
            config: dict[str, Any] = {"issuer": authorizer.issuer}
            if authorizer.audience:
                config["audience"] = list(authorizer.audience)
            return {"JwtConfiguration": config, "IdentitySource": self.identity_expression(authorizer)}
        function = {"Fn::GetAtt": [self.function_ids[str(authorizer.function)], "Arn"]}
        if api.kind == "rest":
            identity: dict[str, Any] = {"ReauthorizeEvery": authorizer.ttl}
            if authorizer.kind == "token":
                identity["Header"] = authorizer.identity[0][1] if authorizer.identity else "Authorization"
                if authorizer.validation:
                    identity["ValidationExpression"] = authorizer.validation
            else:
                identity.update(self.identity_lists(authorizer))
            return {"FunctionArn": function, "FunctionPayloadType": authorizer.kind.upper(), "Identity": identity}
        result: dict[str, Any] = {
            "FunctionArn": function,
            "AuthorizerPayloadFormatVersion": authorizer.payload_version,
            "Identity": {**self.identity_lists(authorizer), "ReauthorizeEvery": authorizer.ttl},
        }
        if authorizer.simple_responses:
            result["EnableSimpleResponses"] = True
        return result

    @staticmethod
    def identity_expression(authorizer: Authorizer) -> str:
        where, name = authorizer.identity[0] if authorizer.identity else ("header", "Authorization")
        return f"$request.{'querystring' if where == 'query' else where}.{name}"

    @staticmethod
    def identity_lists(authorizer: Authorizer) -> dict[str, list[str]]:
        keys = {"header": "Headers", "query": "QueryStrings", "stage": "StageVariables", "context": "Context"}
        lists: dict[str, list[str]] = {}
        for where, name in authorizer.identity:
            lists.setdefault(keys[where], []).append(name)
        return lists

    def cors(self, api: Api) -> dict[str, Any]:
        cors = api.cors
        if cors is None:
            return {}
        if api.kind == "http":
            config: dict[str, Any] = {}
            for key, values in (
                ("AllowOrigins", cors.allow_origins),
                ("AllowMethods", cors.allow_methods),
                ("AllowHeaders", cors.allow_headers),
                ("ExposeHeaders", cors.expose_headers),
            ):
                if values:
                    config[key] = list(values)
            if cors.max_age is not None:
                config["MaxAge"] = cors.max_age
            if cors.allow_credentials:
                config["AllowCredentials"] = True
            return config

        def quoted(values: tuple[str, ...]) -> str:  # REST: header values, as quoted strings
            return "'" + ",".join(values) + "'"

        rest: dict[str, Any] = {"AllowOrigin": quoted(cors.allow_origins or ("*",))}
        if cors.allow_methods:
            rest["AllowMethods"] = quoted(cors.allow_methods)
        if cors.allow_headers:
            rest["AllowHeaders"] = quoted(cors.allow_headers)
        if cors.max_age is not None:
            rest["MaxAge"] = quoted((str(cors.max_age),))
        if cors.allow_credentials:
            rest["AllowCredentials"] = True
        return rest

    def domain(self, api: Api, domain: Domain) -> dict[str, Any]:
        logical = self.api_ids[api.name]
        config: dict[str, Any] = {
            "DomainName": domain.name,
            "CertificateArn": domain.certificate or {"Ref": f"{logical}Certificate"},
            "EndpointConfiguration": domain.endpoint.upper(),
        }
        if domain.base_path:
            config["BasePath"] = [domain.base_path]
        if domain.zone_id or domain.zone_name:
            config["Route53"] = (
                {"HostedZoneId": domain.zone_id} if domain.zone_id else {"HostedZoneName": domain.zone_name}
            )
        if domain.certificate is None:
            self.resources[f"{logical}Certificate"] = self.certificate(api, domain)
        base = f"/{domain.base_path}" if domain.base_path else ""
        self.outputs[f"{logical}DomainUrl"] = {
            "Description": f"{api.name}: the custom domain's URL",
            "Value": f"https://{domain.name}{base}/",
        }
        return config

    def certificate(self, api: Api, domain: Domain) -> dict[str, Any]:
        """An ACM certificate for ``domain``, DNS validated in its hosted zone; edge needs us-east-1."""
        if domain.endpoint == "edge" and self.settings.region != "us-east-1":
            raise DeployError(
                f"apis.{api.name}.domain: an edge-optimised domain needs its certificate in us-east-1, and this "
                f"stack is in {self.settings.region}. Request the certificate in us-east-1 and set "
                "certificate = 'arn:...', or use endpoint = 'regional'"
            )
        props: dict[str, Any] = {"DomainName": domain.name, "ValidationMethod": "DNS"}
        if domain.zone_id:
            props["DomainValidationOptions"] = [{"DomainName": domain.name, "HostedZoneId": domain.zone_id}]
        else:
            self.warn(
                f"apis.{api.name}.domain: the certificate for {domain.name} is validated by DNS; without zone_id "
                "the stack waits until you add the validation record shown in the ACM console"
            )
        return {"Type": "AWS::CertificateManager::Certificate", "Properties": props}


def arn_service(arn: str) -> str:
    """The service an ARN belongs to (``arn:aws:sqs:...`` -> ``sqs``); "" when it is not an ARN."""
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 else ""
