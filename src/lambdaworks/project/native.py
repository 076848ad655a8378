"""Load the native config (``lambdaworks.toml`` or ``[tool.lambdaworks]`` in ``pyproject.toml``).

The same model as a SAM template with less ceremony::

    [defaults]                      # every function (SAM's Globals.Function)
    runtime = "python3.12"
    layers = ["common"]

    [layers]
    common = "layers/common"        # name = folder

    [apis.items]                    # optional: "rest" (Prod) and "http" ($default) always exist
    type = "http"

    [functions.hello]
    code = "hello"
    handler = "handler.lambda_handler"
    api = "items"                   # where its routes go (default "http")
    routes = ["GET /hello", { route = "POST /hello", api = "rest" }]
    schedules = { Nightly = "cron(0 3 * * ? *)" }   # or { expression, timezone, input, enabled }
    retries = 1                     # async invocations: EventInvokeConfig and destinations
    on_failure = "audit"            # a function here, or an ARN (kept in the dead-letter store)
    policies = [{ DynamoDBCrudPolicy = { TableName = "items" } }]   # IAM, as SAM's Policies

Deploying reads more (``lambdaworks deploy``): a parameter may live in SSM or Secrets Manager,
``DbPassword = { secret = "prod/db:password", local = "dev" }`` (a dynamic reference in the
template, ``local`` when run here), and an API may have ``stage_variables`` and a custom
``domain = { name, certificate, endpoint = "regional"|"edge", base_path, zone }``.

Strings in ``env`` may use ``${Name}`` for a ``[parameters]`` value (``--parameter-overrides``
replaces it) or a pseudo parameter such as ``${AWS::Region}``. Unknown keys and wrong types are
errors that name the key, since a typo here would otherwise be silently ignored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lambdaworks.project.errors import ConfigError
from lambdaworks.project.intrinsics import Resolver
from lambdaworks.project.model import (
    DEFAULT_MEMORY,
    DEFAULT_TIMEOUT,
    EVENT_AGE_BOUNDS,
    IAM_AUTH,
    LOCAL_RUNTIMES,
    MAX_EVENT_AGE,
    MAX_RETRIES,
    NO_AUTH,
    SCHEDULE_KINDS,
    Api,
    AsyncConfig,
    Authorizer,
    Cors,
    Destination,
    Domain,
    EventSource,
    Function,
    Parameter,
    Project,
    Route,
    frozen_map,
    function_arn,
    function_name_of,
    integration_timeout,
    limit_problem,
    schedules_of,
)
from lambdaworks.project.native_services import NativeServices
from lambdaworks.project.sam_auth import REST_AUTH_TTL, identity_source
from lambdaworks.project.services import NO_SERVICES, LocalServices, service_resources, source_problems
from lambdaworks.wire.results import ALL_MEDIA_TYPES

#: The APIs a function can name without declaring them, as SAM's implicit APIs.
#: REST APIs take every media type as binary (as deployed), and the adapter decides per response.
ALL_BINARY = (ALL_MEDIA_TYPES,)
IMPLICIT_APIS = {
    "rest": Api(name="rest", kind="rest", stage="Prod", binary_media_types=ALL_BINARY),
    "http": Api(name="http", kind="http", stage="$default"),
}
DEFAULT_API = "http"
FUNCTION_KEYS = (
    "code",
    "handler",
    "runtime",
    "timeout",
    "memory",
    "env",
    "layers",
    "concurrency",
    "architecture",
    "api",
    "routes",
    "schedules",
    "retries",
    "max_event_age",
    "on_success",
    "on_failure",
    "dead_letter",
    "policies",
    "events",
)
DEFAULT_KEYS = (
    "code",
    "runtime",
    "timeout",
    "memory",
    "env",
    "layers",
    "architecture",
    "api",
    "retries",
    "max_event_age",
    "policies",
)
TOP_KEYS = ("parameters", "defaults", "layers", "apis", "functions", "resources")
API_KEYS = (
    "type",
    "stage",
    "binary_media_types",
    "authorizers",
    "default_authorizer",
    "cors",
    "stage_variables",
    "domain",
)
DOMAIN_KEYS = ("name", "certificate", "endpoint", "base_path", "zone", "zone_id")
PARAMETER_KEYS = ("ssm", "secret", "local")
AUTHORIZER_KEYS = (
    "type",
    "function",
    "identity",
    "validation",
    "ttl",
    "payload",
    "simple",
    "issuer",
    "audience",
    "jwks",
)
CORS_KEYS = ("allow_origins", "allow_methods", "allow_headers", "expose_headers", "max_age", "allow_credentials")
ROUTE_KEYS = ("route", "api", "payload", "timeout_ms", "auth", "scopes")
SCHEDULE_KEYS = ("expression", "timezone", "input", "enabled")
METHODS = ("ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def read_config(path: Path) -> dict[str, Any] | None:
    """The config table in ``path``: the whole ``lambdaworks.toml``, or ``[tool.lambdaworks]``.

    Returns None for a ``pyproject.toml`` without a ``[tool.lambdaworks]`` table.
    """
    from lambdaworks.project.tomlfile import tomllib  # only for a project that has a TOML file

    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot parse: {exc}", path=path) from exc
    if path.name == "pyproject.toml":
        table = document.get("tool", {}).get("lambdaworks")
        if not isinstance(table, dict):
            return None
        return dict(table)
    return document


def load_native(path: Path, overrides: Mapping[str, str] | None = None, local: LocalServices = NO_SERVICES) -> Project:
    """Load the native config in ``path`` with parameter ``overrides`` into a project; ``local``: where
    the local services answer, for the values of its ``[resources]``."""
    config = read_config(path)
    if config is None:
        raise ConfigError("has no [tool.lambdaworks] table", path=path)
    return Config(path, overrides or {}, local).load(config)


class Config:
    """One load of a native config: knows its file, for error messages, and its parameters."""

    def __init__(self, path: Path, overrides: Mapping[str, str], local: LocalServices = NO_SERVICES) -> None:
        self.path = path
        self.local = local
        self.services = NativeServices(self)
        self.root = path.parent.resolve()
        self.overrides = overrides
        self.warnings: list[str] = []
        self.resolver = Resolver(parameters={}, resources={}, warn=self.warnings.append)
        self.prefix = "tool.lambdaworks." if path.name == "pyproject.toml" else ""
        self.function_names: set[str] = set()

    def error(self, where: str, message: str) -> ConfigError:
        """An error at key ``where`` ("" for the top table), located as the file spells it."""
        location = f"{self.prefix}{where}".rstrip(".")
        return ConfigError(f"{location}: {message}" if location else message, path=self.path)

    def table(self, value: Any, where: str, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
        """``value`` checked to be a table, whose keys (when ``keys`` is given) are all known."""
        if not isinstance(value, dict):
            raise self.error(where, f"expected a table, got {value!r}")
        for key in value:
            if keys is not None and key not in keys:
                import difflib  # a typo's suggestion: imported when there is one to make

                close = difflib.get_close_matches(key, keys, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(keys)}"
                raise self.error(where, f"unknown key {key!r}{hint}")
        return value

    def typed(self, value: Any, kind: type | tuple[type, ...], where: str, what: str) -> Any:
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.error(where, f"expected {what}, got {value!r}")
        return value

    def load(self, config: dict[str, Any]) -> Project:
        self.table(config, "", TOP_KEYS)
        parameters = self.parameters(config.get("parameters", {}))
        self.resolver.parameters = {name: parameter.default for name, parameter in parameters.items()}
        layers = self.layers(config.get("layers", {}))
        resources = self.services.resources(config.get("resources", {}))
        self.resolver.resources = resources
        services = service_resources(str(self.root), resources, self.resolver, self.local)
        self.function_names = set(self.table(config.get("functions", {}), "functions"))
        apis = {**IMPLICIT_APIS, **self.apis(config.get("apis", {}))}
        defaults = self.table(config.get("defaults", {}), "defaults", DEFAULT_KEYS)
        functions: dict[str, Function] = {}
        routes: list[Route] = []
        for name, given in self.table(config.get("functions", {}), "functions").items():
            spec = self.table(given, f"functions.{name}", FUNCTION_KEYS)
            function, function_routes = self.function(name, defaults, spec, layers, apis)
            functions[name] = function
            routes.extend(function_routes)
        if not functions:
            raise self.error("functions", "no functions: add a [functions.NAME] table with code and handler")
        self.warnings.extend(
            f"{name}.{event.name}: {problem}"
            for name, function in functions.items()
            for event in function.events
            if event.kind not in SCHEDULE_KINDS
            for problem in source_problems(event.kind, event.properties, services, self.local.port)
        )
        used = {route.api for route in routes}
        return Project(
            root=self.root,
            source=self.path,
            functions=frozen_map(functions),
            apis=frozen_map({name: api for name, api in apis.items() if name in used or name not in IMPLICIT_APIS}),
            routes=tuple(routes),
            warnings=tuple(self.warnings),
            schedules=schedules_of(functions),
            parameters=frozen_map(parameters),
            services=frozen_map(services),
        )

    def parameters(self, declared: Any) -> dict[str, Parameter]:
        """``NAME = value``, or ``NAME = { ssm = "/path" | secret = "id[:key]", local = "dev value" }``."""
        declared = self.table(declared, "parameters")
        unknown = sorted(set(self.overrides) - set(declared))
        if unknown:
            raise self.error("parameters", f"--parameter-overrides names undeclared parameters: {', '.join(unknown)}")
        parameters = {}
        for name, given in declared.items():
            where = f"parameters.{name}"
            if not isinstance(given, dict):
                value = self.typed(given, (str, int, float, bool), where, "a value or a table")
                parameters[name] = Parameter(name, str(self.overrides.get(name, value)))
                continue
            spec = self.table(given, where, PARAMETER_KEYS)
            stores = [key for key in ("ssm", "secret") if key in spec]
            if len(stores) != 1:
                raise self.error(
                    where, "needs exactly one of ssm = '/parameter/name' or secret = 'secret-id[:json-key]'"
                )
            store = self.typed(spec[stores[0]], str, f"{where}.{stores[0]}", "a name")
            local = spec.get("local")
            if name not in self.overrides and local is None:
                self.warnings.append(
                    f"parameter {name} is read from {'SSM' if stores[0] == 'ssm' else 'Secrets Manager'} when "
                    f"deployed; locally it is empty (set local = '...' or --parameter-overrides {name}=...)"
                )
            default = str(self.overrides.get(name, local if local is not None else ""))
            parameters[name] = Parameter(name, default, **{stores[0]: store})
        return parameters

    def layers(self, declared: Any) -> dict[str, Path]:
        paths = {}
        for name, folder in self.table(declared, "layers").items():
            path = (self.root / self.typed(folder, str, f"layers.{name}", "a folder path")).resolve()
            if not path.is_dir():
                raise self.error(f"layers.{name}", f"{folder} is not a folder next to the config")
            paths[name] = path
        return paths

    def apis(self, declared: Any) -> dict[str, Api]:
        apis = {}
        for name, given in self.table(declared, "apis").items():
            where = f"apis.{name}"
            spec = self.table(given, where, API_KEYS)
            kind = spec.get("type", IMPLICIT_APIS[name].kind if name in IMPLICIT_APIS else "http")
            if kind not in ("rest", "http"):
                raise self.error(f"{where}.type", f"expected 'rest' or 'http', got {kind!r}")
            stage = self.typed(spec.get("stage", "Prod" if kind == "rest" else "$default"), str, where, "a stage name")
            binary = self.typed(
                spec.get("binary_media_types", list(ALL_BINARY) if kind == "rest" else []), list, where, "a list"
            )
            authorizers = {
                key: self.authorizer(f"{where}.authorizers.{key}", key, kind, value)
                for key, value in self.table(spec.get("authorizers", {}), f"{where}.authorizers").items()
            }
            default = spec.get("default_authorizer")
            if default is not None and default not in authorizers and default not in (IAM_AUTH, NO_AUTH):
                raise self.error(f"{where}.default_authorizer", f"{default!r} is not in {where}.authorizers")
            apis[name] = Api(
                name=name,
                kind=kind,
                stage=stage,
                binary_media_types=tuple(str(t) for t in binary),
                authorizers=frozen_map(authorizers),
                default_authorizer=None if default in (None, NO_AUTH) else str(default),
                cors=self.cors(f"{where}.cors", spec["cors"]) if "cors" in spec else None,
                stage_variables=frozen_map(
                    {
                        key: str(self.typed(value, (str, int, float), f"{where}.stage_variables.{key}", "a value"))
                        for key, value in self.table(
                            spec.get("stage_variables", {}), f"{where}.stage_variables"
                        ).items()
                    }
                ),
                domain=self.domain(f"{where}.domain", kind, spec["domain"]) if "domain" in spec else None,
            )
        return apis

    def domain(self, where: str, api_kind: str, given: Any) -> Domain:
        """``{ name, certificate, endpoint = "regional"|"edge", base_path, zone | zone_id }``."""
        spec = self.table(given, where, DOMAIN_KEYS)
        name = self.typed(spec.get("name"), str, f"{where}.name", "a domain name")
        endpoint = self.typed(spec.get("endpoint", "regional"), str, f"{where}.endpoint", "'regional' or 'edge'")
        if endpoint not in ("regional", "edge"):
            raise self.error(f"{where}.endpoint", f"expected 'regional' or 'edge', got {endpoint!r}")
        if endpoint == "edge" and api_kind == "http":
            raise self.error(f"{where}.endpoint", "HTTP APIs have regional custom domains only")
        certificate = spec.get("certificate")
        if certificate is not None:
            certificate = self.typed(certificate, str, f"{where}.certificate", "an ACM certificate ARN")
            parts = certificate.split(":")
            if len(parts) < 6 or parts[2] != "acm":
                raise self.error(f"{where}.certificate", f"{certificate!r} is not an ACM certificate ARN")
            if endpoint == "edge" and parts[3] != "us-east-1":
                raise self.error(
                    f"{where}.certificate",
                    f"edge-optimised domains need a certificate in us-east-1 (CloudFront's region), not {parts[3]}: "
                    "request one there, or use endpoint = 'regional'",
                )
        zone = spec.get("zone")
        if isinstance(zone, str) and not zone.endswith("."):
            zone += "."
        base_path = self.typed(spec.get("base_path", ""), str, f"{where}.base_path", "a path").strip("/")
        return Domain(
            name=name,
            certificate=certificate,
            endpoint=endpoint,
            base_path=base_path,
            zone_name=zone,
            zone_id=spec.get("zone_id"),
        )

    def authorizer(self, where: str, name: str, api_kind: str, given: Any) -> Authorizer:
        spec = self.table(given, where, AUTHORIZER_KEYS)
        kind = spec.get("type", "jwt" if "issuer" in spec else "request")
        if kind not in ("token", "request", "jwt") or (kind == "token" and api_kind != "rest"):
            raise self.error(f"{where}.type", f"expected 'token' (REST), 'request' or 'jwt' (HTTP), got {kind!r}")
        default_identity = ["$request.header.Authorization"] if kind in ("token", "jwt") else []
        identity = []
        for expression in self.typed(spec.get("identity", default_identity), list, f"{where}.identity", "a list"):
            try:
                identity.append(identity_source(str(expression)))
            except ValueError as exc:
                raise self.error(f"{where}.identity", str(exc)) from None
        function = spec.get("function")
        if kind != "jwt" and function not in self.function_names:
            raise self.error(f"{where}.function", f"{function!r} is not a function of this config")
        payload = str(spec.get("payload", "2.0" if api_kind == "http" and kind == "request" else "1.0"))
        jwks = spec.get("jwks")
        if isinstance(jwks, str) and not jwks.startswith(("http://", "https://")):
            jwks = str((self.root / jwks).resolve())
        return Authorizer(
            name=name,
            kind=kind,
            function=function if kind != "jwt" else None,
            identity=tuple(identity),
            validation=spec.get("validation"),
            ttl=self.typed(spec.get("ttl", REST_AUTH_TTL if api_kind == "rest" else 0), int, f"{where}.ttl", "seconds"),
            payload_version=payload,
            simple_responses=bool(spec.get("simple", False)) and payload == "2.0",
            issuer=spec.get("issuer"),
            audience=tuple(str(a) for a in self.typed(spec.get("audience", []), list, where, "a list")),
            jwks=jwks,
        )

    def cors(self, where: str, given: Any) -> Cors:
        spec = self.table(given, where, CORS_KEYS)

        def strings(key: str) -> tuple[str, ...]:
            return tuple(str(v) for v in self.typed(spec.get(key, []), list, f"{where}.{key}", "a list"))

        return Cors(
            allow_origins=strings("allow_origins"),
            allow_methods=tuple(m.upper() for m in strings("allow_methods")),
            allow_headers=strings("allow_headers"),
            expose_headers=strings("expose_headers"),
            max_age=spec.get("max_age"),
            allow_credentials=bool(spec.get("allow_credentials", False)),
        )

    def function(
        self,
        name: str,
        defaults: dict[str, Any],
        spec: dict[str, Any],
        layers: dict[str, Path],
        apis: dict[str, Api],
    ) -> tuple[Function, list[Route]]:
        where = f"functions.{name}"

        def setting(key: str, kind: type | tuple[type, ...], what: str, default: Any) -> Any:
            value = spec.get(key, defaults.get(key, default))
            return self.typed(value, kind, f"{where}.{key}", what)

        runtime = setting("runtime", str, "a runtime name", "python3.12")
        if not runtime.startswith(LOCAL_RUNTIMES):
            raise self.error(f"{where}.runtime", f"{runtime} is not a runtime lambdaworks runs (python3.x or provided)")
        handler = setting("handler", str, "module.function", "")
        if not handler and not runtime.startswith("provided"):
            raise self.error(where, "needs handler = 'module.function'")
        code = (self.root / setting("code", str, "a folder path", ".")).resolve()
        if not code.is_dir():
            raise self.error(f"{where}.code", f"{code} is not a folder")
        timeout = setting("timeout", (int, float), "seconds (1-900)", DEFAULT_TIMEOUT)
        memory = setting("memory", int, "megabytes (128-10240)", DEFAULT_MEMORY)
        for key, field_name, value in (("timeout", "timeout", timeout), ("memory", "memory_size", memory)):
            problem = limit_problem(field_name, value)
            if problem is not None:
                raise self.error(f"{where}.{key}", problem)
        concurrency = spec.get("concurrency")
        if concurrency is not None:
            self.typed(concurrency, int, f"{where}.concurrency", "a whole number of environments")
        env = {
            **self.table(defaults.get("env", {}), "defaults.env"),
            **self.table(spec.get("env", {}), f"{where}.env"),
        }
        layer_names = [*self.typed(defaults.get("layers", []), list, "defaults.layers", "a list of layer names")]
        layer_names += self.typed(spec.get("layers", []), list, f"{where}.layers", "a list of layer names")
        for layer in layer_names:
            if layer not in layers:
                raise self.error(f"{where}.layers", f"no layer {layer!r} in [layers]")
        api = setting("api", str, "an API name", DEFAULT_API)
        routes = [
            self.route(name, index, item, api, apis)
            for index, item in enumerate(self.typed(spec.get("routes", []), list, f"{where}.routes", "a list"))
        ]
        function = Function(
            name=name,
            handler=handler,
            runtime=runtime,
            code_uri=code,
            timeout=float(timeout),
            memory_size=memory,
            environment=frozen_map({key: self.substitute(value, f"{where}.env.{key}") for key, value in env.items()}),
            layers=tuple(layers[layer] for layer in layer_names),
            reserved_concurrency=concurrency,
            architecture=setting("architecture", str, "x86_64 or arm64", "x86_64"),
            events=self.schedules(name, spec.get("schedules", {})) + self.events(name, spec.get("events", [])),
            async_config=self.async_config(where, setting),
            policies=tuple(
                self.policies(
                    where,
                    [
                        *self.typed(defaults.get("policies", []), list, "defaults.policies", "a list"),
                        *self.typed(spec.get("policies", []), list, f"{where}.policies", "a list"),
                    ],
                )
            ),
            environment_source=frozen_map({key: value for key, value in env.items() if isinstance(value, str)}),
        )
        return function, routes

    def policies(self, where: str, given: list[Any]) -> list[Any]:
        """IAM policies as SAM takes them: a managed policy name or ARN, ``{Template = {args}}``, or a document."""
        for index, policy in enumerate(given):
            if isinstance(policy, dict):
                if len(policy) != 1 and "Statement" not in policy:
                    raise self.error(
                        f"{where}.policies[{index}]",
                        "expected one SAM policy template ({ DynamoDBCrudPolicy = { TableName = 'items' } }) "
                        "or a policy document with Statement",
                    )
            elif not isinstance(policy, str):
                raise self.error(
                    f"{where}.policies[{index}]", f"expected a policy name, template or document, got {policy!r}"
                )
        return given

    def async_config(self, where: str, setting: Any) -> AsyncConfig:
        """``retries``, ``max_event_age`` and the destinations (a function of this config, or an ARN)."""
        retries = setting("retries", int, "0, 1 or 2", MAX_RETRIES)
        if not 0 <= retries <= MAX_RETRIES:
            raise self.error(f"{where}.retries", f"{retries} is outside Lambda's 0-2")
        age = setting("max_event_age", int, "seconds", MAX_EVENT_AGE)
        low, high = EVENT_AGE_BOUNDS
        if not low <= age <= high:
            raise self.error(f"{where}.max_event_age", f"{age} is outside Lambda's {low}-{high} seconds")

        def destination(key: str) -> Destination | None:
            target = setting(key, (str, type(None)), "a function name or an ARN", None)
            if target is None:
                return None
            if target in self.function_names:
                return Destination(type="Lambda", arn=function_arn(target), function=target)
            if not target.startswith("arn:"):
                raise self.error(f"{where}.{key}", f"{target!r} is neither a function here nor an ARN")
            named = function_name_of(target)
            kind = target.split(":")[2].upper() if target.count(":") >= 2 else "ARN"
            return Destination(type=kind, arn=target, function=named if named in self.function_names else None)

        return AsyncConfig(
            max_retries=retries,
            max_event_age=age,
            on_success=destination("on_success"),
            on_failure=destination("on_failure"),
            dead_letter=destination("dead_letter"),
        )

    def substitute(self, value: Any, where: str) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if not isinstance(value, (str, int, float)):
            raise self.error(where, f"expected a string, got {value!r}")
        if not isinstance(value, str) or "${" not in value:
            return str(value)
        return str(self.resolver.fn_sub(value, where))

    def route(self, function: str, index: int, item: Any, default_api: str, apis: dict[str, Api]) -> Route:
        where = f"functions.{function}.routes[{index}]"
        if isinstance(item, str):
            item = {"route": item}
        spec = self.table(item, where, ROUTE_KEYS)
        text = self.typed(spec.get("route"), str, where, "'METHOD /path'")
        method, _, path = text.strip().partition(" ")
        method, path = method.upper(), path.strip()
        if text.strip() == "$default":
            method, path = "ANY", "$default"
        if method not in METHODS or not (path.startswith("/") or path == "$default"):
            raise self.error(where, f"expected 'METHOD /path' (METHOD one of {', '.join(METHODS)}), got {text!r}")
        api_name = self.typed(spec.get("api", default_api), str, where, "an API name")
        if api_name not in apis:
            raise self.error(where, f"no API {api_name!r}: declare [apis.{api_name}] or use 'rest' or 'http'")
        api = apis[api_name]
        if path == "$default" and api.kind == "rest":
            raise self.error(where, "$default routes exist only on HTTP APIs")
        payload = str(spec.get("payload", api.payload_version))
        if payload not in ("1.0", "2.0") or (api.kind == "rest" and payload != "1.0"):
            raise self.error(where, f"payload {payload!r}: REST APIs send 1.0; HTTP APIs 1.0 or 2.0")
        timeout = None
        if "timeout_ms" in spec:
            ms = self.typed(spec["timeout_ms"], int, f"{where}.timeout_ms", "milliseconds")
            try:
                timeout = integration_timeout(ms, api.kind)
            except ValueError as exc:
                raise self.error(f"{where}.timeout_ms", str(exc)) from None
        auth = self.typed(spec.get("auth", api.default_authorizer or NO_AUTH), str, f"{where}.auth", "a name")
        if auth not in (NO_AUTH, IAM_AUTH) and auth not in api.authorizers:
            raise self.error(f"{where}.auth", f"{auth!r} is not an authorizer of API {api_name!r}")
        scopes = tuple(str(s) for s in self.typed(spec.get("scopes", []), list, f"{where}.scopes", "a list"))
        return Route(
            method=method,
            path=path,
            function=function,
            api=api_name,
            kind=api.kind,
            payload_version=payload,
            integration_timeout=timeout,
            authorizer=None if auth == NO_AUTH else auth,
            scopes=scopes,
        )

    def events(self, function: str, declared: Any) -> tuple[EventSource, ...]:
        """``events = [...]``: S3, SQS, SNS, DynamoDB and EventBridge sources (see :mod:`.native_services`),
        resolved against the local resources, and kept unresolved for ``deploy``."""
        return tuple(
            EventSource(
                event.name,
                event.kind,
                frozen_map(self.resolver.resolve(dict(event.properties), f"functions.{function}.events")),
                source=event.properties,
            )
            for event in self.services.events(function, declared)
        )

    def schedules(self, function: str, declared: Any) -> tuple[EventSource, ...]:
        """``NAME = "rate(...)"`` or ``NAME = { expression, timezone, input, enabled }``."""
        where = f"functions.{function}.schedules"
        if isinstance(declared, list):
            declared = {f"Schedule{index + 1}": expression for index, expression in enumerate(declared)}
        events = []
        for name, given in self.table(declared, where).items():
            if isinstance(given, str):
                event = EventSource(name=name, kind="Schedule", properties=frozen_map({"Schedule": given}))
            else:
                spec = self.table(given, f"{where}.{name}", SCHEDULE_KEYS)
                properties = {
                    "ScheduleExpression": self.typed(spec.get("expression"), str, f"{where}.{name}", "an expression"),
                    "State": "ENABLED"
                    if self.typed(spec.get("enabled", True), bool, where, "true/false")
                    else "DISABLED",
                }
                if "timezone" in spec:
                    properties["ScheduleExpressionTimezone"] = self.typed(spec["timezone"], str, where, "a zone name")
                if "input" in spec:
                    properties["Input"] = json.dumps(self.table(spec["input"], f"{where}.{name}.input"))
                event = EventSource(name=name, kind="ScheduleV2", properties=frozen_map(properties))
            from lambdaworks.project.schedule_expr import ScheduleError, schedule_of

            try:
                schedule_of(function, event)
            except ScheduleError as exc:
                raise self.error(f"{where}.{name}", str(exc)) from None
            events.append(event)
        return tuple(events)
