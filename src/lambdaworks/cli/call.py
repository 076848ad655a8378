"""``lambdaworks call``: run a handler once on an event, in this process, and print the result."""

from __future__ import annotations

import contextlib
import inspect
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from lambdaworks.cli.errors import echo_error
from lambdaworks.cli.loading import load_target
from lambdaworks.runtime import Handler, LambdaContext, detect_interface, handler
from lambdaworks.testing.client import decode_result
from lambdaworks.wire.sources import HTTP_SOURCES, make_http_event

F = TypeVar("F", bound=Callable[..., Any])


def as_handler(obj: Any, wrap: bool) -> Any:
    """A Lambda handler from ``obj``: a Handler or plain function as is, a web app wrapped."""
    if isinstance(obj, Handler):
        return obj
    if wrap or hasattr(obj, "wsgi_app") or (callable(obj) and detect_interface(obj) == "asgi"):
        return handler(obj)
    if not callable(obj):
        raise click.UsageError(f"{obj!r} is not callable: name a handler function or a web app")
    return obj


def app_hint(obj: Any) -> str | None:
    """What to do when ``obj``, called as a plain handler, failed because it is a web app."""
    kind = app_kind(obj)
    if kind is None:
        return None
    return f"it looks like a {kind} app, not a Lambda handler: pass --wrap to serve it through the adapter"


def app_kind(obj: Any) -> str | None:
    """``"WSGI"`` or ``"ASGI"`` when ``obj``'s call signature is an app's, else None."""
    try:
        names = tuple(inspect.signature(obj).parameters)[:3]
    except (TypeError, ValueError):
        return None
    if names[:2] == ("environ", "start_response"):
        return "WSGI"
    if names == ("scope", "receive", "send"):
        return "ASGI"
    return None


def read_event(file: Any) -> Any:
    """The event in ``file`` (a usage error naming it when it is not JSON)."""
    try:
        return json.load(file)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"{file.name} is not JSON: {exc}", param_hint="--event") from None


def function_failed(exc: Exception, context: LambdaContext, hint: str | None) -> NoReturn:
    """Report the function's error as Lambda does (the error object, stack trace included, on
    stdout) with one line on stderr, then exit 1."""
    from lambdaworks.runtime.bootstrap import error_payload

    tb = exc.__traceback__
    payload = error_payload(exc.with_traceback(tb.tb_next if tb is not None else None), context.aws_request_id)
    click.echo(json.dumps(payload, indent=2))
    line = f"the function raised {payload['errorType']}: {payload['errorMessage']}"
    echo_error(f"{line}; {hint}" if hint else line)
    sys.exit(1)


def parse_headers(values: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep:
            raise click.BadParameter(f"{value!r} is not 'Name: value'", param_hint="--header")
        pairs.append((name.strip(), rest.strip()))
    return pairs


def http_event(
    source: str, method: str, path: str, headers: tuple[str, ...], data: str | None, stage: str | None, base_path: str
) -> dict[str, Any]:
    """An HTTP event from command-line options (stage and base path only where the source has them)."""
    options: dict[str, Any] = {"headers": parse_headers(headers), "body": data}
    if source not in ("function-url", "alb", "alb-multi"):
        if stage:
            options["stage"] = stage
        if base_path:
            options["base_path"] = base_path
    return make_http_event(source, method, path, **options)


def http_event_options(command: F) -> F:
    """``-X``, ``--path``, ``-H``, ``-d``, ``--stage``, ``--base-path``: what :func:`http_event` takes."""
    for option in reversed(
        (
            click.option("-X", "--method", default="GET", show_default=True, help="HTTP method."),
            click.option("--path", default="/", show_default=True, help="Request path, optionally with ?query."),
            click.option("-H", "--header", "headers", multiple=True, help="Request header 'Name: value' (repeatable)."),
            click.option("-d", "--data", help="Request body."),
            click.option("--stage", help="API stage (REST default Prod, HTTP API $default)."),
            click.option("--base-path", default="", help="Custom-domain base path the request came through."),
        )
    ):
        command = option(command)
    return command


@click.command("call")
@click.argument("target")
@click.option(
    "--event",
    "event_file",
    type=click.File("r"),
    help="Event JSON file ('-' for stdin). Default: an HTTP event built from the options below.",
)
@click.option(
    "--source",
    type=click.Choice((*HTTP_SOURCES, "rest")),
    default="http-v2",
    show_default=True,
    help="HTTP event source to build.",
)
@http_event_options
@click.option("--timeout", type=float, default=3.0, show_default=True, help="Seconds in the context's deadline.")
@click.option(
    "--wrap/--no-wrap",
    default=False,
    help="Treat TARGET as a WSGI/ASGI app and wrap it (auto for Flask and ASGI apps).",
)
@click.option("--raw", is_flag=True, help="Print the raw result dict instead of the decoded HTTP response.")
@click.option(
    "--app-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to import TARGET from (default: cwd).",
)
def call_command(
    target: str,
    event_file: Any,
    source: str,
    method: str,
    path: str,
    headers: tuple[str, ...],
    data: str | None,
    stage: str | None,
    base_path: str,
    timeout: float,
    wrap: bool,
    raw: bool,
    app_dir: Path | None,
) -> None:
    """Invoke TARGET (file.py:attr or module:attr) once on an event and print what it returns.

    \b
    lambdaworks call examples/hello/app.py:handler --path /hello/world
    lambdaworks call app:handler --source rest -X POST --path /items -d '{"a": 1}' -H 'Content-Type: application/json'
    lambdaworks call app:handler --event s3-put.json
    """
    obj = load_target(target, app_dir)
    fn = as_handler(obj, wrap)
    if event_file is not None:
        event = read_event(event_file)
    else:
        event = http_event(source, method, path, headers, data, stage, base_path)
    context = LambdaContext(
        function_name=target.rpartition(":")[0].rsplit("/", 1)[-1].removesuffix(".py"), timeout=timeout
    )
    try:
        with contextlib.redirect_stdout(sys.stderr):  # the function's prints are logs, not the result
            result = fn(event, context)
    except Exception as exc:
        function_failed(exc, context, None if fn is not obj else app_hint(obj))
    if raw or event_file is not None or not isinstance(result, dict) or "statusCode" not in result:
        click.echo(json.dumps(result, indent=2, default=str))
        return
    accept = next((v for k, v in parse_headers(headers) if k.lower() == "accept"), None)
    status, pairs, body = decode_result(result, source, accept=accept)  # checked as the gateway checks it
    click.echo(f"HTTP {status}")
    for name, value in pairs:
        click.echo(f"{name}: {value}")
    click.echo("")
    try:
        click.echo(body.decode("utf-8"))
    except UnicodeDecodeError:
        click.echo(f"<{len(body)} bytes of binary data (base64 in the result); use --raw to see it>")
    sys.stdout.flush()
