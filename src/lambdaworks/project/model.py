"""The project model: what the emulator serves and the packager builds, whatever it was loaded from.

Frozen dataclasses, so a loaded project can be shared between threads and compared after a reload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lambdaworks.wire.common import ACCOUNT, REGION  # the local stack's (pseudo parameters, ARNs, events)

#: Defaults AWS applies when a function does not say.
DEFAULT_TIMEOUT = 3.0
DEFAULT_MEMORY = 128
DEFAULT_CONCURRENCY = 10


#: API Gateway's bounds on a route's integration timeout, in milliseconds, by API kind.
INTEGRATION_TIMEOUT_MS = {"rest": (50, 29_000), "http": (50, 30_000)}


def integration_timeout(ms: int, kind: str) -> float:
    """A route's integration timeout of ``ms`` in seconds; ValueError when API Gateway would refuse it."""
    low, high = INTEGRATION_TIMEOUT_MS[kind]
    if not low <= ms <= high:
        raise ValueError(f"{ms} is outside API Gateway's {low}-{high} ms")
    return ms / 1000


def function_arn(name: str) -> str:
    """The ARN a function ``name`` has in the local stack."""
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def frozen_map(values: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only mapping (dataclasses here are frozen all the way down)."""
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class EventSource:
    """A non-HTTP trigger of a function (Schedule, S3, SQS, ...), kept as the template says it."""

    name: str
    kind: str
    properties: Mapping[str, Any] = field(default_factory=frozen_map)
    source: Mapping[str, Any] = field(default_factory=frozen_map)  # native config: the properties unresolved


def function_name_of(arn: str) -> str | None:
    """The function a local Lambda ARN (``...:function:NAME[:qualifier]``) names, else None."""
    if ":function:" not in arn:
        return None
    return arn.split(":function:", 1)[1].split(":", 1)[0] or None


@dataclass(frozen=True)
class Destination:
    """Where an asynchronous invocation's record goes (``OnSuccess``/``OnFailure``/``DeadLetterQueue``).

    ``function`` is set when the ARN names a function of this project: the record invokes it.
    Any other destination (SQS, SNS, EventBridge, S3) is the local dead-letter store.
    """

    type: str
    arn: str
    function: str | None = None


#: AWS's defaults and bounds for asynchronous invocations (``EventInvokeConfig``).
MAX_RETRIES = 2
MAX_EVENT_AGE = 21_600
EVENT_AGE_BOUNDS = (60, 21_600)


@dataclass(frozen=True)
class AsyncConfig:
    """How Lambda retries a function's asynchronous invocations and where their records go."""

    max_retries: int = MAX_RETRIES
    max_event_age: int = MAX_EVENT_AGE
    on_success: Destination | None = None
    on_failure: Destination | None = None
    dead_letter: Destination | None = None


@dataclass(frozen=True)
class FunctionUrl:
    """A function's own URL (``FunctionUrlConfig``): who may call it, and its CORS."""

    auth_type: str = "NONE"  # or AWS_IAM: callers sign with SigV4
    cors: Cors | None = None
    invoke_mode: str = "BUFFERED"


#: Lambda's bounds on a function's settings (the Lambda quotas page: timeout 900 seconds, memory
#: 128-10,240 MB, /tmp 512-10,240 MB): field -> (lowest, highest, unit). Both loaders check them here.
LIMITS: dict[str, tuple[float, float, str]] = {
    "timeout": (1, 900, "seconds"),
    "memory_size": (128, 10240, "MB"),
    "ephemeral_storage": (512, 10240, "MB"),
}


def limit_problem(field_name: str, value: float) -> str | None:
    """Why ``value`` is not a valid ``field_name`` (a key of LIMITS) on Lambda, or None."""
    low, high, unit = LIMITS[field_name]
    if isinstance(value, bool) or not low <= value <= high:
        return f"{value:g} is outside Lambda's {low:g}-{high:g} {unit}"
    return None


#: The runtimes whose functions the emulator runs: Python, and custom runtimes' ``bootstrap``.
LOCAL_RUNTIMES = ("python", "provided")


@dataclass(frozen=True)
class Function:
    """One Lambda function."""

    name: str
    handler: str
    runtime: str
    code_uri: Path
    timeout: float = DEFAULT_TIMEOUT
    memory_size: int = DEFAULT_MEMORY
    environment: Mapping[str, str] = field(default_factory=frozen_map)
    layers: tuple[Path, ...] = ()
    reserved_concurrency: int | None = None
    architecture: str = "x86_64"
    events: tuple[EventSource, ...] = ()
    async_config: AsyncConfig = AsyncConfig()
    packaged: bool = False  # code and layers are unzipped build artifacts: run without the emulator's packages
    policies: tuple[Any, ...] = ()  # IAM: SAM policy templates, managed policy names/ARNs, policy documents
    environment_source: Mapping[str, str] = field(default_factory=frozen_map)  # native: env before ${} substitution
    package_type: str = "Zip"  # or "Image": a container image, which the emulator cannot run
    ephemeral_storage: int = 512  # MB of /tmp
    log_format: str = "Text"  # LoggingConfig.LogFormat: Text or JSON
    log_level: str | None = None  # LoggingConfig.ApplicationLogLevel (JSON only)
    url: FunctionUrl | None = None  # FunctionUrlConfig: the function's own HTTPS endpoint

    def limit_problems(self) -> list[tuple[str, str]]:
        """``(field, problem)`` for each setting outside Lambda's limits (see LIMITS)."""
        found = []
        for name in LIMITS:
            problem = limit_problem(name, getattr(self, name))
            if problem is not None:
                found.append((name, problem))
        return found

    @property
    def concurrency(self) -> int:
        """How many environments may run at once (reserved concurrency, else the local default)."""
        return self.reserved_concurrency if self.reserved_concurrency is not None else DEFAULT_CONCURRENCY

    @property
    def unsupported(self) -> str | None:
        """Why the emulator cannot run this function (None: it can): an image, or a runtime not Python's."""
        if self.package_type == "Image":
            return "a container image (PackageType: Image) needs a container runtime"
        if not self.runtime.startswith(LOCAL_RUNTIMES):
            return f"the {self.runtime} runtime is not one lambdaworks runs (python3.x, or provided with a bootstrap)"
        return None

    @property
    def is_provided(self) -> bool:
        """A custom runtime (``provided``/``provided.al2``/``provided.al2023``): runs ``bootstrap``."""
        return self.runtime.startswith("provided")


#: Route authorizer names with a meaning of their own.
NO_AUTH = "NONE"
IAM_AUTH = "AWS_IAM"


@dataclass(frozen=True)
class Authorizer:
    """A Lambda (``token``/``request``) or ``jwt`` authorizer of an API.

    ``identity`` holds API Gateway's identity-source expressions as ``(where, name)`` pairs, ``where``
    one of ``header``, ``query``, ``stage``, ``context``. ``ttl`` is the result cache's lifetime.
    """

    name: str
    kind: str
    function: str | None = None
    identity: tuple[tuple[str, str], ...] = ()
    validation: str | None = None  # TOKEN: ValidationExpression
    ttl: int = 0
    payload_version: str = "1.0"  # HTTP API Lambda authorizers: 1.0 or 2.0
    simple_responses: bool = False
    issuer: str | None = None
    audience: tuple[str, ...] = ()
    jwks: str | None = None  # a JWKS file or URL; None: OpenID discovery on a loopback issuer


@dataclass(frozen=True)
class Cors:
    """An API's CORS configuration (SAM ``Cors`` for REST, ``CorsConfiguration`` for HTTP APIs)."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False


@dataclass(frozen=True)
class Domain:
    """A custom domain in front of an API: ``name``, its ACM certificate, endpoint type and base path."""

    name: str
    certificate: str | None = None  # an ACM certificate ARN; None: the template requests one (DNS validated)
    endpoint: str = "regional"  # "regional" or "edge" (REST APIs only; its certificate lives in us-east-1)
    base_path: str = ""  # the base path mapping ("" maps the whole domain)
    zone_name: str | None = None  # a Route53 hosted zone ("example.com."), for the alias record
    zone_id: str | None = None


@dataclass(frozen=True)
class Api:
    """An API Gateway API: ``rest`` (v1, ``AWS::Serverless::Api``) or ``http`` (``HttpApi``)."""

    name: str
    kind: str
    stage: str
    binary_media_types: tuple[str, ...] = ()
    authorizers: Mapping[str, Authorizer] = field(default_factory=frozen_map)
    default_authorizer: str | None = None
    cors: Cors | None = None
    stage_variables: Mapping[str, str] = field(default_factory=frozen_map)
    domain: Domain | None = None
    binary_defaulted: bool = False  # ``*/*`` was given because the API fronts a whole app and listed none

    @property
    def payload_version(self) -> str:
        return "1.0" if self.kind == "rest" else "2.0"


@dataclass(frozen=True)
class Route:
    """``METHOD path`` on an API, served by a function. ``method`` may be ``ANY``."""

    method: str
    path: str
    function: str
    api: str
    kind: str
    payload_version: str = "1.0"
    integration_timeout: float | None = None  # seconds (SAM TimeoutInMillis); None: the API's maximum
    authorizer: str | None = None  # an authorizer of the API, AWS_IAM, or None (open)
    scopes: tuple[str, ...] = ()  # JWT authorizers: AuthorizationScopes (any one is enough)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Schedule:
    """A ``Schedule``/``ScheduleV2`` event or a native schedule: invokes ``function`` asynchronously."""

    name: str  # the event's name in its function
    function: str
    expression: str  # rate(...), cron(...) or at(...)
    timezone: str = "UTC"
    enabled: bool = True
    input: str | None = None  # JSON text sent instead of the scheduled event
    rule: str = ""  # the EventBridge rule or schedule name, in the event's resources ARN

    @property
    def key(self) -> str:
        return f"{self.function}.{self.name}"


@dataclass(frozen=True)
class Parameter:
    """A native config parameter; ``ssm``/``secret`` make it a dynamic reference in deployed templates."""

    name: str
    default: str
    ssm: str | None = None  # an SSM Parameter Store name
    secret: str | None = None  # a Secrets Manager secret id, with an optional JSON key after a colon

    @property
    def reference(self) -> str | None:
        """CloudFormation's dynamic reference to the stored value, or None for a plain parameter."""
        if self.ssm is not None:
            return f"{{{{resolve:ssm:{self.ssm}}}}}"
        if self.secret is not None:
            secret, _, key = self.secret.partition(":")
            return (
                f"{{{{resolve:secretsmanager:{secret}:SecretString:{key}}}}}"
                if key
                else f"{{{{resolve:secretsmanager:{secret}}}}}"
            )
        return None


@dataclass(frozen=True)
class Project:
    """Everything the emulator needs, plus the warnings the loader raised."""

    root: Path
    source: Path
    functions: Mapping[str, Function]
    apis: Mapping[str, Api]
    routes: tuple[Route, ...]
    warnings: tuple[str, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    parameters: Mapping[str, Parameter] = field(default_factory=frozen_map)  # native config only
    inputs: tuple[Path, ...] = ()  # other files the model was read from (an env-vars file): reloaded like source
    services: Mapping[str, Any] = field(default_factory=frozen_map)  # logical id -> services.ServiceResource

    @property
    def is_sam(self) -> bool:
        """Loaded from a SAM template (deployed as that template), not from the native config."""
        return self.source.suffix != ".toml"

    def function(self, name: str) -> Function | None:
        return self.functions.get(name)


#: The event kinds that are schedules (EventBridge rules and EventBridge Scheduler).
SCHEDULE_KINDS = ("Schedule", "ScheduleV2")


def schedules_of(functions: Mapping[str, Function]) -> tuple[Schedule, ...]:
    """The schedules of ``functions``' schedule events, checked already by the loader (their module,
    zoneinfo with it, is imported only for a project that has some)."""
    scheduled = [
        (name, event)
        for name, function in functions.items()
        for event in function.events
        if event.kind in SCHEDULE_KINDS
    ]
    if not scheduled:
        return ()
    from lambdaworks.project.schedule_expr import schedule_of

    return tuple(schedule_of(name, event) for name, event in scheduled)
