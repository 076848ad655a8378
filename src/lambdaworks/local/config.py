"""What ``lambdaworks dev`` was asked for, in a module of its own: ``dev`` builds it (and checks
it) before it imports the emulator (see :mod:`.headstart`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lambdaworks.local.debugging import DebugPlan
from lambdaworks.local.variables import DEFAULT_HOST, HostVariables
from lambdaworks.project.services import DEFAULT_PORT as DEFAULT_SERVICES_PORT

#: Lambda's asynchronous retries wait about a minute, then two; ``--retry-delay`` scales them.
MINUTE = 60.0


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything ``lambdaworks dev`` was asked for."""

    project_dir: Path
    template: Path | None = None
    host: str = "127.0.0.1"
    port: int = 3000
    invoke_port: int = 3001
    overrides: dict[str, str] = field(default_factory=dict)
    log_file: Path | None = None
    reload: bool = True
    force_polling: bool = False
    state_dir: Path | None = None  # default: .lambdaworks/ beside the template
    retry_delay: float = MINUTE
    schedules: bool = True
    jwks: dict[str, str] = field(default_factory=dict)  # JWT issuer -> JWKS file or URL
    env_vars: Path | None = None  # --env-vars: local variables over the functions' own
    url_port: int = 3002  # the first function URL's port (the next ones follow; 0: any free ports)
    host_variables: HostVariables = DEFAULT_HOST  # which of the shell's variables reach the functions
    adopt_orphans: bool = False  # end what functions leave behind at stop (dev's own process only)
    services_port: int = DEFAULT_SERVICES_PORT  # the local AWS services' endpoint (when the template has resources)
    debug: DebugPlan | None = None  # functions run under a debugger (dev --debug)
    fresh_services: bool = False  # --fresh: the services start empty instead of as the last run left them
    prewarm: bool = True  # one environment of each function behind a route or URL starts with the emulator
