"""``lambdaworks dev``: serve a project on localhost (API Gateway front + Lambda Invoke API)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lambdaworks.cli.errors import UsageProblem
from lambdaworks.cli.project import LocalProject, host_variables_options, local_project
from lambdaworks.cli.settings import Settings
from lambdaworks.local.config import EmulatorConfig
from lambdaworks.local.variables import HostVariables, local_variables
from lambdaworks.project import Project

if TYPE_CHECKING:
    from lambdaworks.local.debugging import DebugPlan
    from lambdaworks.local.launch import Launched


DEBUGGER_OPTION = click.option(
    "--debugger",
    type=click.Choice(["debugpy", "pycharm"]),
    default="debugpy",
    show_default=True,
    help="With --debug: debugpy listens for VS Code (or any DAP client) to attach; pycharm connects to "
    "PyCharm's Python Debug Server on the port.",
)


def run_loop(main: Any) -> Any:
    """Run the emulator's event loop: uvloop where it is installed (about a third faster), else asyncio."""
    try:
        import uvloop
    except ImportError:
        import asyncio

        return asyncio.run(main)
    return uvloop.run(main)


def parse_jwks(values: tuple[str, ...]) -> dict[str, str]:
    """``ISSUER=FILE_OR_URL`` options, split at the last ``=``; a file path is made absolute."""
    found = {}
    for value in values:
        issuer, sep, where = value.rpartition("=")
        if not sep or not issuer or not where:
            raise click.BadParameter(f"{value!r} is not ISSUER=FILE_OR_URL", param_hint="--jwks")
        found[issuer] = where if where.startswith(("http://", "https://")) else str(Path(where).resolve())
    return found


@click.command("dev")
@local_project("local_start_lambda", "local_start_api")  # dev is both
@host_variables_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback unless you mean it).")
@click.option("--port", type=int, default=3000, show_default=True, help="API Gateway port.")
@click.option("--invoke-port", type=int, default=3001, show_default=True, help="Lambda Invoke API port.")
@click.option(
    "--url-port",
    type=int,
    default=3002,
    show_default=True,
    help="Port of the first function URL (FunctionUrlConfig); the next ones follow. 0: any free ports.",
)
@click.option(
    "--services-port",
    type=int,
    default=4566,
    show_default=True,
    help="Port of the local AWS services (S3, SQS, SNS, DynamoDB, EventBridge), started when the template "
    "declares such resources.",
)
@click.option(
    "--debug",
    "debug_functions",
    multiple=True,
    metavar="FUNCTION",
    help="Run FUNCTION under a debugger for an IDE (repeatable; 'all' for every function): "
    "one environment, no timeouts. Needs the debug extra (--debugger pycharm: pydevd-pycharm).",
)
@click.option("--debug-port", type=int, default=5678, show_default=True, help="The first debugged function's port.")
@click.option("--wait-for-client", is_flag=True, help="With --debug: the first invocation waits for the debugger.")
@DEBUGGER_OPTION
@click.option(
    "--fresh",
    is_flag=True,
    help="Start the local AWS services empty (by default their objects, messages and items are kept from the "
    "last run, in .lambdaworks/services).",
)
@click.option(
    "--prewarm/--no-prewarm",
    default=True,
    show_default=True,
    help="Start one environment of each function behind a route or URL with the emulator, so the first request "
    "finds its init done.",
)
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), help="Also write logs as JSON lines here.")
@click.option("--reload/--no-reload", default=True, show_default=True, help="Pick up code and template changes.")
@click.option("--poll", is_flag=True, hidden=True, help="Watch files by stat polling instead of OS events.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the async queue and dead-letter store live.  [default: .lambdaworks beside the template]",
)
@click.option(
    "--retry-delay",
    type=click.FloatRange(min=0.001),
    default=60.0,
    show_default=True,
    help="Lambda's async retry 'minute' in seconds; all async timings (backoff, event age) scale with it.",
)
@click.option("--schedules/--no-schedules", default=True, show_default=True, help="Fire Schedule events.")
@click.option(
    "--jwks",
    multiple=True,
    metavar="ISSUER=FILE_OR_URL",
    help="The JWKS a JWT authorizer's issuer signs with (repeatable). Loopback issuers are discovered.",
)
@click.option(
    "--from-build",
    "from_build",
    is_flag=False,
    flag_value=".",
    default=None,
    metavar="[OUT]",
    help="Serve the zips `lambdaworks build` made (in OUT, default .lambdaworks/build) instead of the source, "
    "without this environment's packages: proves the package is complete.",
)
def dev_command(
    local: LocalProject,
    host: str,
    port: int,
    invoke_port: int,
    url_port: int,
    services_port: int,
    debug_functions: tuple[str, ...],
    debug_port: int,
    wait_for_client: bool,
    debugger: str,
    fresh: bool,
    prewarm: bool,
    pass_env: tuple[str, ...],
    pass_aws_credentials: bool,
    log_file: Path | None,
    reload: bool,
    poll: bool,
    state_dir: Path | None,
    retry_delay: float,
    schedules: bool,
    jwks: tuple[str, ...],
    from_build: str | None,
) -> None:
    """Serve the project in PROJECT_DIR: its APIs on --port, the Invoke API on --invoke-port."""
    settings = local.settings
    host = str(settings.get("host"))
    port = port_setting(settings, "port", "local_start_api")
    invoke_port = port_setting(settings, "invoke_port", "local_start_lambda")
    project = local.project
    notes: list[str] = []
    if from_build is not None:
        project, notes = packaged_project(project, from_build, state_dir)
        reload = False
    config = EmulatorConfig(
        local.project_dir,
        local.template,
        host,
        port,
        invoke_port,
        local.overrides,
        log_file,
        reload,
        poll,
        state_dir=state_dir,
        retry_delay=retry_delay,
        schedules=schedules,
        jwks=parse_jwks(jwks),
        env_vars=local.env_vars,
        url_port=url_port,
        host_variables=HostVariables(pass_env, pass_aws_credentials),
        adopt_orphans=True,
        services_port=services_port,
        fresh_services=fresh,
        prewarm=prewarm,
        debug=debug_plan(project, debug_functions, debug_port, wait_for_client, debugger),
    )
    head = None
    if config.prewarm and config.debug is None:  # the first function's init runs while the emulator imports
        from lambdaworks.local.headstart import head_start

        head = head_start(project, local_variables(project, config.host_variables, config.services_port))
    try:
        serve(config, local, project, notes, head)
    finally:
        if head is not None:  # not adopted: the emulator did not get that far
            head.abandon()


def serve(
    config: EmulatorConfig, local: LocalProject, project: Project, notes: list[str], head: Launched | None
) -> None:
    """Run the emulator until Ctrl-C; its modules are imported only now."""
    from lambdaworks.local.authorizers import startup_warnings
    from lambdaworks.local.emulator import Emulator, PortInUse
    from lambdaworks.local.logs import Logs
    from lambdaworks.local.services import ServicesError

    host, log_file = config.host, config.log_file
    log_stream = log_file.open("a", encoding="utf-8") if log_file else None

    async def run() -> None:
        emulator = Emulator(config, project, Logs(sys.stdout, log_stream))
        gateway_port, api_port = await emulator.start(head)
        warnings = [*project.warnings, *notes, *startup_warnings(project, emulator.gateway.authorization.jwt)]
        for warning in warnings:
            click.secho(f"warning: {warning}", fg="yellow", err=True)
        for route in project.routes:
            click.echo(
                f"  {route.method:<7} http://{host}:{gateway_port}{route.path if route.path != '$default' else '/*'}"
                f"  -> {route.function}"
            )
        for name, port_of_url in emulator.function_urls.items():
            url = project.functions[name].url
            auth = url.auth_type if url is not None else "NONE"
            click.echo(f"  Function URL of {name}: http://{host}:{port_of_url}/  (AuthType {auth})")
        click.echo(config.host_variables.describe(os.environ))
        if config.debug is not None:
            for line in config.debug.describe(
                emulator.project, {n: f.code_uri for n, f in local.project.functions.items()}
            ):
                click.echo(line)
        if emulator.services is not None:
            for line in emulator.services.describe():
                click.echo(line)
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.secho(
                f"warning: listening on {host}: anyone who can reach this machine can run these functions "
                "(lambdaworks dev is a development server; keep 127.0.0.1 unless you mean it)",
                fg="yellow",
                err=True,
            )
        click.echo(f"API Gateway on http://{host}:{gateway_port}")
        click.echo(f"Lambda Invoke API on http://{host}:{api_port}  (boto3: endpoint_url='http://{host}:{api_port}')")
        click.echo("Ready. Ctrl-C stops.", err=False)
        sys.stdout.flush()
        await emulator.run_until_stopped()

    try:
        run_loop(run())
    except (PortInUse, ServicesError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if log_stream is not None:
            log_stream.close()


def debug_plan(
    project: Project, names: tuple[str, ...], port: int, wait: bool, debugger: str = "debugpy"
) -> DebugPlan | None:
    """The functions ``--debug`` names, checked (and the debugger's package with them); None without ``--debug``."""
    if not names:
        return None
    from lambdaworks.extras import installed, require
    from lambdaworks.local.debuggee import PYCHARM, PYCHARM_INSTALL
    from lambdaworks.local.debugging import DebugError, DebugPlan

    if debugger == PYCHARM:
        if not installed("pydevd_pycharm"):
            raise UsageProblem(
                f"--debugger pycharm needs PyCharm's debugger package, of your PyCharm's version: {PYCHARM_INSTALL} "
                "(PyCharm's Python Debug Server configuration shows it)"
            )
    else:
        require("debug", "--debug")
    try:
        return DebugPlan.of(names, project, port, wait, debugger)
    except DebugError as exc:
        raise click.BadParameter(str(exc), param_hint="--debug") from None


def port_setting(settings: Settings, name: str, table: str) -> int:
    """``--port``/``--invoke-port``, else the ``port`` of samconfig.toml's start-api/start-lambda table."""
    value = settings.get(name, key="port", table=table)
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = -1
    if not 0 <= port <= 65535:
        where = (
            f"--{name.replace('_', '-')} {value}" if name in settings.given else f"{settings.config}: port = {value!r}"
        )
        raise click.ClickException(f"{where} is not a port number")
    return port


def packaged_project(project: Project, out: str, state_dir: Path | None) -> tuple[Project, list[str]]:
    """``project`` running from its build in ``out`` (``.``: the default output folder), and notes on it."""
    from lambdaworks.build.errors import BuildError
    from lambdaworks.local.packaged import from_build
    from lambdaworks.project import layout

    folder = layout.build_dir(project.root) if out == "." else Path(out).resolve()
    try:
        served, notes = from_build(project, folder, layout.state_dir(project.root, state_dir))
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    return served, [
        f"serving the build in {folder} (hot reload is off: rebuild and restart to pick up changes)",
        *notes,
    ]


@click.command("invoke")
@click.argument("function")
@local_project("local_invoke")
@host_variables_options
@click.option(
    "-e", "--event", "event_file", type=click.File("rb"), help="Event JSON file ('-' for stdin). Default: {}."
)
@click.option(
    "--debug", "debug", is_flag=True, help="Run it under a debugger for an IDE (debug extra; see --debugger)."
)
@click.option("--debug-port", type=int, default=5678, show_default=True, help="The debugger's port.")
@click.option("--wait-for-client", is_flag=True, help="With --debug: wait for the debugger before the handler loads.")
@DEBUGGER_OPTION
def invoke_command(
    function: str,
    local: LocalProject,
    event_file: Any,
    pass_env: tuple[str, ...],
    pass_aws_credentials: bool,
    debug: bool,
    debug_port: int,
    wait_for_client: bool,
    debugger: str,
) -> None:
    """Run FUNCTION of the project once, in a real execution environment, without a server.

    Logs go to stderr; the result (or AWS's error shape) to stdout. Exit status 1 on a function error.
    """
    from lambdaworks.local.invoker import Invoker
    from lambdaworks.local.logs import Logs

    project = local.project
    for warning in project.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    if function not in project.functions:
        raise click.ClickException(f"no function {function!r} in the project; it has: {', '.join(project.functions)}")
    payload = b"{}"
    if event_file is not None:
        payload = event_file.read()
        try:
            json.loads(payload)
        except ValueError as exc:  # the Invoke API refuses it too (InvalidRequestContentException)
            raise click.BadParameter(f"{event_file.name} is not JSON: {exc}", param_hint="--event") from None

    plan = debug_plan(project, (function,), debug_port, wait_for_client, debugger) if debug else None
    if plan is not None:
        project = plan.apply(project)
        for line in plan.describe(project, {function: local.project.functions[function].code_uri}):
            click.echo(line, err=True)

    async def run() -> Any:
        invoker = Invoker(
            project, Logs(sys.stderr), local_variables(project, HostVariables(pass_env, pass_aws_credentials))
        )
        try:
            return await invoker.invoke(function, payload)
        finally:
            await invoker.close()

    import asyncio

    outcome = asyncio.run(run())
    click.echo(outcome.payload.decode("utf-8", "replace"))
    if outcome.failed:
        sys.exit(1)
