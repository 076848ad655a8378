"""Load a SAM ``template.yaml`` into a :class:`~lambdaworks.project.model.Project`.

The supported subset is DESIGN §3: ``AWS::Serverless::Function`` (Handler, Runtime, CodeUri,
Timeout, MemorySize, Environment, Layers, ReservedConcurrentExecutions, Architectures, Events),
``AWS::Serverless::Api``/``HttpApi`` (StageName, BinaryMediaTypes), ``AWS::Serverless::LayerVersion``
(ContentUri), ``Globals``, ``Parameters`` with overrides, ``Conditions`` and the intrinsics in
:mod:`.intrinsics`. Everything else that would change behaviour gets a warning naming it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lambdaworks.project.errors import TemplateError
from lambdaworks.project.intrinsics import Resolver
from lambdaworks.project.model import (
    DEFAULT_MEMORY,
    DEFAULT_TIMEOUT,
    EVENT_AGE_BOUNDS,
    MAX_EVENT_AGE,
    MAX_RETRIES,
    SCHEDULE_KINDS,
    Api,
    AsyncConfig,
    Destination,
    EventSource,
    Function,
    FunctionUrl,
    Project,
    Route,
    frozen_map,
    function_name_of,
    integration_timeout,
    schedules_of,
)
from lambdaworks.project.sam_auth import api_cors, route_auth, with_auth_and_cors
from lambdaworks.project.services import (
    NAME_PROPERTY,
    NO_SERVICES,
    LocalServices,
    resource_problems,
    service_resources,
    source_problems,
)
from lambdaworks.project.yaml_loader import describe, load_yaml
from lambdaworks.wire.results import ALL_MEDIA_TYPES, ALL_MEDIA_TYPES_SAM

FUNCTION = "AWS::Serverless::Function"
#: The template's name of each model field Lambda limits.
SAM_NAMES = {"timeout": "Timeout", "memory_size": "MemorySize", "ephemeral_storage": "EphemeralStorage.Size"}
REST_API = "AWS::Serverless::Api"
HTTP_API = "AWS::Serverless::HttpApi"
LAYER = "AWS::Serverless::LayerVersion"
IMPLICIT_REST = "ServerlessRestApi"
IMPLICIT_HTTP = "ServerlessHttpApi"

#: Function properties the emulator uses, and those it knows it can ignore locally.
USED = {
    "Handler",
    "Runtime",
    "CodeUri",
    "Timeout",
    "MemorySize",
    "Environment",
    "Layers",
    "ReservedConcurrentExecutions",
    "Architectures",
    "Events",
    "FunctionName",
    "PackageType",
    "FunctionUrlConfig",
    "LoggingConfig",
    "EphemeralStorage",
    "ImageUri",
    "ImageConfig",
    "EventInvokeConfig",
    "DeadLetterQueue",
}
HARMLESS = {
    "Description",
    "Policies",
    "Role",
    "Tags",
    "Tracing",
    "AutoPublishAlias",
    "DeploymentPreference",
    "VpcConfig",
    "KmsKeyArn",
    "PermissionsBoundary",
    "ProvisionedConcurrencyConfig",
    "Metadata",
    "RuntimeManagementConfig",
    "PropagateTags",
    "AssumeRolePolicyDocument",
    "SnapStart",
    "RolePath",
    "CodeSigningConfigArn",
    "AutoPublishCodeSha256",
    "VersionDescription",
}
API_USED = {"StageName", "BinaryMediaTypes", "Name", "Auth", "Cors", "CorsConfiguration"}
API_HARMLESS = {
    "Description",
    "Tags",
    "TracingEnabled",
    "MethodSettings",
    "AccessLogSetting",
    "OpenApiVersion",
    "EndpointConfiguration",
    "CacheClusterEnabled",
    "CacheClusterSize",
    "Variables",
    "StageVariables",
    "MinimumCompressionSize",
    "GatewayResponses",
    "Mode",
    "AccessLogSettings",
    "DefaultRouteSettings",
    "RouteSettings",
    "FailOnWarnings",
    "DisableExecuteApiEndpoint",
    "PropagateTags",
    "Domain",
}


def load_sam(path: Path, overrides: Mapping[str, str] | None = None, local: LocalServices = NO_SERVICES) -> Project:
    """Parse ``path`` (``template.yaml``) with parameter ``overrides`` into a project; ``local``: where
    the local services answer, for the values of their resources."""
    try:
        template = load_yaml(path)
    except Exception as exc:
        raise TemplateError(f"cannot parse: {describe(exc)}", path=path) from exc
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise TemplateError("no Resources section", path=path)
    warnings: list[str] = []
    resources: dict[str, Any] = template["Resources"]
    resolver = Resolver(
        parameters=parameters(template, overrides or {}, path, warnings.append),
        resources=resources,
        conditions=template.get("Conditions") or {},
        mappings=template.get("Mappings") or {},
        warn=warnings.append,
    )
    root = path.parent
    services = service_resources(str(root.resolve()), resources, resolver, local)
    warnings.extend(
        problem
        for logical_id, service in services.items()
        for problem in resource_problems(logical_id, service.type, resources[logical_id].get("Properties") or {})
    )
    globals_ = template.get("Globals") or {}
    apis = explicit_apis(resources, resolver, globals_, warnings.append)
    functions: dict[str, Function] = {}
    routes: list[Route] = []
    for name, resource in resources.items():
        if not isinstance(resource, dict):
            raise TemplateError("resource is not a mapping", path=path, resource=name)
        if resource.get("Type") != FUNCTION:
            if resource.get("Type") not in (REST_API, HTTP_API, LAYER, *NAME_PROPERTY):  # never silently
                warnings.append(f"{name}: {resource.get('Type')} is not emulated locally")
            continue
        if "Condition" in resource and not resolver.condition(resource["Condition"], name):
            continue
        function, function_routes = load_function(name, resource, globals_, resources, resolver, root, apis, warnings)
        functions[name] = function
        routes.extend(function_routes)
    warnings.extend(
        f"{name}.{event.name}: {problem}"
        for name, function in functions.items()
        for event in function.events
        if event.kind not in SCHEDULE_KINDS
        for problem in source_problems(event.kind, event.properties, services, local.port)
    )
    apis = with_binary_defaults(apis, routes, warnings.append)
    return Project(
        root=root,
        source=path,
        functions=frozen_map(functions),
        apis=frozen_map(apis),
        routes=tuple(routes),
        warnings=tuple(warnings),
        services=frozen_map(services),
        schedules=schedules_of(functions),
    )


def function_url(name: str, spec: Any, warnings: list[str]) -> FunctionUrl | None:
    """``FunctionUrlConfig``: its AuthType (NONE or AWS_IAM), Cors (HTTP API's fields) and InvokeMode."""
    if not isinstance(spec, dict):
        return None
    auth = str(spec.get("AuthType") or "NONE").upper()
    if auth not in ("NONE", "AWS_IAM"):
        raise TemplateError(f"FunctionUrlConfig.AuthType {auth} is not NONE or AWS_IAM", resource=name)
    mode = str(spec.get("InvokeMode") or "BUFFERED").upper()
    if mode == "RESPONSE_STREAM":
        warnings.append(f"{name}: FunctionUrlConfig InvokeMode RESPONSE_STREAM is served buffered locally")
    if auth == "AWS_IAM":
        warnings.append(
            f"{name}: its Function URL (AuthType AWS_IAM) requires a SigV4 Authorization header locally, "
            "but does not verify the signature"
        )
    cors = api_cors("http", {"CorsConfiguration": spec["Cors"]}) if spec.get("Cors") else None
    return FunctionUrl(auth_type=auth, cors=cors, invoke_mode=mode)


def with_binary_defaults(apis: dict[str, Api], routes: list[Route], warn: Callable[[str], None]) -> dict[str, Api]:
    """A REST API that fronts a whole app (``{proxy+}``) and lists no ``BinaryMediaTypes`` gets
    ``*/*``, so that ``dev`` serves what ``deploy`` deploys (an implicit API only when no explicit
    REST API exists: SAM's ``Globals.Api`` would change those too); other REST APIs without any are
    named in a warning, since API Gateway would return their binary responses as base64 text."""
    explicit_rest = any(api.kind == "rest" and name != IMPLICIT_REST for name, api in apis.items())
    out = dict(apis)
    for name, api in apis.items():
        served = [r for r in routes if r.api == name]
        if api.kind != "rest" or api.binary_media_types or not served:
            continue
        if any(r.path.endswith("+}") for r in served) and (name != IMPLICIT_REST or not explicit_rest):
            out[name] = dataclasses.replace(api, binary_media_types=(ALL_MEDIA_TYPES,), binary_defaulted=True)
            warn(f"{name}: fronts a whole app ({{proxy+}}) and lists no BinaryMediaTypes; served and deployed with */*")
        else:
            warn(
                f"{name}: no BinaryMediaTypes, so API Gateway returns binary responses (images, fonts) as "
                f"base64 text; add BinaryMediaTypes: ['{ALL_MEDIA_TYPES_SAM}'] to the API"
            )
    return out


def parameters(
    template: dict[str, Any], overrides: Mapping[str, str], path: Path, warn: Callable[[str], None]
) -> dict[str, Any]:
    """Parameter values: overrides, else defaults; a parameter with neither is an error."""
    declared = template.get("Parameters") or {}
    unknown = set(overrides) - set(declared)
    if unknown:
        raise TemplateError(
            f"--parameter-overrides names undeclared parameters: {', '.join(sorted(unknown))}", path=path
        )
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in overrides:
            values[name] = overrides[name]
        elif isinstance(spec, dict) and "Default" in spec:
            values[name] = spec["Default"]
        else:
            raise TemplateError(f"parameter {name} has no Default: pass --parameter-overrides {name}=...", path=path)
        allowed = spec.get("AllowedValues") if isinstance(spec, dict) else None
        if allowed and str(values[name]) not in [str(a) for a in allowed]:
            raise TemplateError(f"parameter {name}={values[name]!r} is not one of {allowed}", path=path)
        if isinstance(spec, dict) and spec.get("Type") == "CommaDelimitedList" and isinstance(values[name], str):
            values[name] = values[name].split(",")
    return values


def merged(globals_section: Mapping[str, Any] | None, properties: Mapping[str, Any]) -> dict[str, Any]:
    """SAM's Globals rules: maps merge (resource wins), lists append, scalars are replaced."""
    out = dict(globals_section or {})
    for key, value in properties.items():
        base = out.get(key)
        if isinstance(base, dict) and isinstance(value, dict):
            out[key] = merged(base, value)
        elif isinstance(base, list) and isinstance(value, list):
            out[key] = base + value
        else:
            out[key] = value
    return out


def explicit_apis(
    resources: Mapping[str, Any], resolver: Resolver, globals_: Mapping[str, Any], warn: Callable[[str], None]
) -> dict[str, Api]:
    """The APIs the template declares (implicit ones are added when an event needs them)."""
    apis: dict[str, Api] = {}
    for name, resource in resources.items():
        kind = {REST_API: "rest", HTTP_API: "http"}.get(str(resource.get("Type")) if isinstance(resource, dict) else "")
        if kind is None:
            continue
        section = globals_.get("Api" if kind == "rest" else "HttpApi")
        props = resolver.resolve(merged(section, resource.get("Properties") or {}), name)
        for key in sorted(set(props) - API_USED - API_HARMLESS):
            if key not in ("DefinitionBody", "DefinitionUri"):
                warn(f"{name}: property {key} is not emulated locally")
        if "DefinitionBody" in props or "DefinitionUri" in props:
            warn(f"{name}: routes come from the functions' Events; the OpenAPI definition is not read")
        default_stage = "$default" if kind == "http" else None
        stage = props.get("StageName") or default_stage
        if stage is None:
            raise TemplateError("StageName is required for AWS::Serverless::Api", resource=name)
        api = Api(name=name, kind=kind, stage=str(stage), binary_media_types=media_types(props))
        apis[name] = with_auth_and_cors(api, props, resources, warn)
    return apis


def implicit_api(
    kind: str,
    resources: Mapping[str, Any],
    resolver: Resolver,
    globals_: Mapping[str, Any],
    warn: Callable[[str], None],
) -> Api:
    """``ServerlessRestApi``/``ServerlessHttpApi``, which SAM creates from Globals when an event needs it."""
    name = IMPLICIT_REST if kind == "rest" else IMPLICIT_HTTP
    props = resolver.resolve(dict(globals_.get("Api" if kind == "rest" else "HttpApi") or {}), name)
    api = Api(
        name=name,
        kind=kind,
        stage="Prod" if kind == "rest" else "$default",
        binary_media_types=media_types(props),
    )
    return with_auth_and_cors(api, props, resources, warn)


def media_types(props: Mapping[str, Any]) -> tuple[str, ...]:
    """An API's ``BinaryMediaTypes`` as media types (SAM writes ``/`` as ``~1``: ``image~1png``)."""
    return tuple(str(t).replace("~1", "/") for t in props.get("BinaryMediaTypes") or ())


def load_function(
    name: str,
    resource: dict[str, Any],
    globals_: Mapping[str, Any],
    resources: Mapping[str, Any],
    resolver: Resolver,
    root: Path,
    apis: dict[str, Api],
    warnings: list[str],
) -> tuple[Function, list[Route]]:
    """One ``AWS::Serverless::Function`` and the routes its events declare."""
    props = resolver.resolve(merged(globals_.get("Function"), resource.get("Properties") or {}), name)
    for key in sorted(set(props) - USED - HARMLESS):
        warnings.append(f"{name}: property {key} is not emulated locally")
    package_type = str(props.get("PackageType") or "Zip")
    runtime = str(props.get("Runtime") or "")
    handler = str(props.get("Handler") or "")
    image = package_type == "Image"  # the image holds the runtime, handler and code
    if not image and (not runtime or (not handler and not runtime.startswith("provided"))):
        raise TemplateError("Handler and Runtime are required", resource=name)
    code_uri = "." if image else props.get("CodeUri", ".")
    if not isinstance(code_uri, str):
        warnings.append(f"{name}: CodeUri is not a local path ({code_uri!r}); using the template's folder")
        code_uri = "."
    code_path = (root / code_uri).resolve()
    if not code_path.is_dir():
        raise TemplateError(f"CodeUri {code_uri} is not a folder next to the template", resource=name)
    env = (props.get("Environment") or {}).get("Variables") or {}
    layers = tuple(layer_path(layer, resources, resolver, root, name, warnings) for layer in props.get("Layers") or ())
    architecture = (props.get("Architectures") or ["x86_64"])[0]
    events: list[EventSource] = []
    routes: list[Route] = []
    for event_name, event in (props.get("Events") or {}).items():
        kind = str(event.get("Type"))
        event_props = event.get("Properties") or {}
        if kind in ("Api", "HttpApi"):
            if kind == "Api" and "RestApiId" not in event_props and IMPLICIT_REST not in apis:
                apis[IMPLICIT_REST] = implicit_api("rest", resources, resolver, globals_, warnings.append)
            if kind == "HttpApi" and "ApiId" not in event_props and IMPLICIT_HTTP not in apis:
                apis[IMPLICIT_HTTP] = implicit_api("http", resources, resolver, globals_, warnings.append)
            routes.append(route(name, event_name, kind, event_props, apis, warnings))
            continue
        resolved = resolver.resolve(event_props, f"{name}.Events.{event_name}")
        events.append(EventSource(name=event_name, kind=kind, properties=frozen_map(resolved)))
        if kind in SCHEDULE_KINDS:
            from lambdaworks.project.schedule_expr import ScheduleError, schedule_of

            try:
                schedule_of(name, events[-1])
            except ScheduleError as exc:
                raise TemplateError(f"event {event_name}: {exc}", resource=name) from None

    reserved = props.get("ReservedConcurrentExecutions")
    function = Function(
        name=name,
        handler=handler,
        runtime=runtime,
        code_uri=code_path,
        timeout=float(props.get("Timeout") or DEFAULT_TIMEOUT),
        memory_size=int(props.get("MemorySize") or DEFAULT_MEMORY),
        environment=frozen_map({str(k): "" if v is None else str(v) for k, v in env.items()}),
        layers=tuple(p for p in layers if p is not None),
        reserved_concurrency=int(reserved) if reserved is not None else None,
        architecture=str(architecture),
        events=tuple(events),
        async_config=async_config(name, props, resources),
        package_type=package_type,
        ephemeral_storage=int((props.get("EphemeralStorage") or {}).get("Size") or 512),
        log_format=str((props.get("LoggingConfig") or {}).get("LogFormat") or "Text"),
        log_level=(props.get("LoggingConfig") or {}).get("ApplicationLogLevel"),
        url=function_url(name, props.get("FunctionUrlConfig"), warnings),
    )
    if function.log_format.upper() == "JSON":
        warnings.append(
            f"{name}: LoggingConfig JSON: the function's logging writes JSON lines; START, END and REPORT "
            "stay text lines locally (JSON platform logs and SystemLogLevel are not emulated)"
        )
    problems = function.limit_problems()
    if problems:
        field_name, problem = problems[0]
        raise TemplateError(f"{SAM_NAMES[field_name]} {problem}", resource=name)
    if function.unsupported:
        warnings.append(
            f"{name}: {function.unsupported}; it is not run locally (a request to it fails as a function error does)"
        )
    return function, routes


def async_config(function: str, props: Mapping[str, Any], resources: Mapping[str, Any]) -> AsyncConfig:
    """``EventInvokeConfig`` and ``DeadLetterQueue``, checked against Lambda's bounds."""
    config = props.get("EventInvokeConfig") or {}
    retries = int(config.get("MaximumRetryAttempts", MAX_RETRIES))
    if not 0 <= retries <= MAX_RETRIES:
        raise TemplateError(f"EventInvokeConfig.MaximumRetryAttempts {retries} is outside 0-2", resource=function)
    age = int(config.get("MaximumEventAgeInSeconds", MAX_EVENT_AGE))
    low, high = EVENT_AGE_BOUNDS
    if not low <= age <= high:
        raise TemplateError(
            f"EventInvokeConfig.MaximumEventAgeInSeconds {age} is outside {low}-{high}", resource=function
        )
    targets = config.get("DestinationConfig") or {}

    def destination(spec: Any, kind: str) -> Destination | None:
        if not spec:
            return None
        arn = str(spec.get("Destination") or spec.get("TargetArn") or f"(a {spec.get('Type')} SAM creates)")
        named = function_name_of(arn)
        return Destination(type=str(spec.get("Type", kind)), arn=arn, function=named if named in resources else None)

    return AsyncConfig(
        max_retries=retries,
        max_event_age=age,
        on_success=destination(targets.get("OnSuccess"), "OnSuccess"),
        on_failure=destination(targets.get("OnFailure"), "OnFailure"),
        dead_letter=destination(props.get("DeadLetterQueue"), "SQS"),
    )


def route(
    function: str, event_name: str, kind: str, props: Mapping[str, Any], apis: dict[str, Api], warnings: list[str]
) -> Route:
    """A route from an ``Api`` or ``HttpApi`` event (adding the implicit API when none is named)."""
    api_kind = "rest" if kind == "Api" else "http"
    api_name = props.get("RestApiId" if kind == "Api" else "ApiId")
    if api_name is None:
        api_name = IMPLICIT_REST if kind == "Api" else IMPLICIT_HTTP
    elif api_name not in apis:
        raise TemplateError(f"event {event_name} names API {api_name}, which is not in the template", resource=function)
    if kind == "Api" and ("Path" not in props or "Method" not in props):
        raise TemplateError(f"Api event {event_name} needs Path and Method", resource=function)
    path = str(props.get("Path", "$default"))
    method = str(props.get("Method", "ANY")).upper()
    if method == "X-AMAZON-APIGATEWAY-ANY-METHOD":
        method = "ANY"
    for key in ("RequestParameters", "RequestModel"):
        if key in props:
            warnings.append(f"{function}.{event_name}: {key} is not emulated yet")
    payload = str(props.get("PayloadFormatVersion") or apis[api_name].payload_version)
    timeout = None
    if props.get("TimeoutInMillis") is not None:
        try:
            timeout = integration_timeout(int(props["TimeoutInMillis"]), api_kind)
        except ValueError as exc:
            raise TemplateError(f"event {event_name}: TimeoutInMillis {exc}", resource=function) from None
    authorizer, scopes = route_auth(function, event_name, props, apis[api_name])
    return Route(
        method=method,
        path=path,
        function=function,
        api=str(api_name),
        kind=api_kind,
        payload_version=payload,
        integration_timeout=timeout,
        authorizer=authorizer,
        scopes=scopes,
    )


def layer_path(
    layer: Any, resources: Mapping[str, Any], resolver: Resolver, root: Path, function: str, warnings: list[str]
) -> Path | None:
    """The local folder of a layer declared in the template; ARNs of remote layers are skipped."""
    if isinstance(layer, str) and layer in resources:
        props = resolver.resolve(resources[layer].get("Properties") or {}, layer)
        content = props.get("ContentUri")
        if isinstance(content, str):
            path = (root / content).resolve()
            if path.is_dir():
                return path
        warnings.append(f"{function}: layer {layer} has no local ContentUri folder; skipped")
        return None
    warnings.append(f"{function}: layer {layer} is not in this template (a published ARN?); skipped locally")
    return None
