"""How every command ends when it fails: one line on stderr and an exit status, decided here alone.

Exit statuses (shown by ``lambdaworks --help``)::

    0    done
    1    the project, a file, the function or AWS said no; the message says what to change
    2    usage: an unknown option, a bad or missing value, an optional extra not installed
    130  interrupted (Ctrl-C)

The layers raise their own errors for the user (``ProjectError``, ``BuildError``, ``DeployError``,
``TargetError``, ``PortInUse``, the runtime's ``LambdaworksRuntimeError``, ``MissingExtra``) and
this module prints their message; anything else is a bug, reported in one line that points to
``--debug``. ``--debug`` (or ``LAMBDAWORKS_DEBUG=1``) prints the traceback of any failure.

Class tree::

    click.ClickException    a command's own refusal (status 1)
    └── UsageProblem        the command line must change: a missing setting, a flag to add (status 2)
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

OK, FAILED, USAGE, INTERRUPTED = 0, 1, 2, 130

EPILOG = "Exit status: 0 done, 1 failed (the message says what to change), 2 usage, 130 interrupted."

#: Errors the layers raise for the user to act on: (module, class) -> exit status. A class whose
#: module was never imported cannot have been raised, so nothing here is imported to check it.
EXPECTED: dict[tuple[str, str], int] = {
    ("lambdaworks.extras", "MissingExtra"): USAGE,
    ("lambdaworks.project.errors", "ProjectError"): FAILED,
    ("lambdaworks.build.errors", "BuildError"): FAILED,
    ("lambdaworks.deploy.errors", "DeployError"): FAILED,
    ("lambdaworks.cli.loading", "TargetError"): FAILED,
    ("lambdaworks.local.emulator", "PortInUse"): FAILED,
    ("lambdaworks.runtime.errors", "LambdaworksRuntimeError"): FAILED,
}


class UsageProblem(click.ClickException):
    """The command line must change (a setting no flag or file gave, a flag to add): status 2, one line."""

    exit_code = USAGE


DEBUG_VARIABLE = "LAMBDAWORKS_DEBUG"


def debugging() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def _turn_on(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        os.environ[DEBUG_VARIABLE] = "1"  # also seen by the processes a command starts


debug_option = click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_turn_on,
    help="Print the traceback of a failure (or set LAMBDAWORKS_DEBUG=1).",
)


def expected_status(exc: BaseException) -> int | None:
    """The exit status of an error raised for the user, None for anything else."""
    for (module, name), status in EXPECTED.items():
        loaded = sys.modules.get(module)
        cls = getattr(loaded, name, None) if loaded is not None else None
        if isinstance(cls, type) and isinstance(exc, cls):
            return status
    return None


def echo_error(message: str) -> None:
    """``Error: message`` on one line (a message spread over lines by a library is joined)."""
    click.echo(f"Error: {' '.join(message.split())}", err=True)


def report(exc: BaseException) -> int:
    """Print ``exc`` as the command line shows failures and return the exit status."""
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, (click.Abort, KeyboardInterrupt)):
        click.echo("Interrupted.", err=True)
        return INTERRUPTED
    if debugging():
        traceback.print_exception(exc)
    if isinstance(exc, UsageProblem):
        echo_error(exc.format_message())
        return USAGE
    if isinstance(exc, click.UsageError):  # click's own: one line, and where the help is
        where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        echo_error(f"{exc.format_message().rstrip('.')}{where}")
        return USAGE
    if isinstance(exc, click.ClickException):
        exc.show()
        return exc.exit_code
    status = expected_status(exc)
    if status is not None:
        echo_error(str(exc))
        return status
    aws = aws_explanation(exc)
    if aws is not None:
        echo_error(aws)
        return FAILED
    hint = "" if debugging() else "; run again with --debug for the traceback"
    echo_error(f"lambdaworks failed unexpectedly ({type(exc).__name__}: {exc}){hint}, and please report it")
    return FAILED


def aws_explanation(exc: BaseException) -> str | None:
    """A botocore failure that escaped a deploy stage, explained as the deploy commands explain theirs."""
    if not type(exc).__module__.startswith(("botocore", "boto3")):
        return None
    from lambdaworks.deploy.aws import explain

    return explain(exc, None)


def run_main(main: Any, args: Any, kwargs: dict[str, Any]) -> Any:
    """Run the click group ``main`` in standalone mode with this module's exits (see the docstring)."""
    debug = os.environ.get(DEBUG_VARIABLE)
    try:
        result = main(args, standalone_mode=False, **kwargs)
    except SystemExit:
        raise
    except BaseException as exc:  # every failure ends here, as one line
        sys.exit(report(exc))
    finally:  # a command run in process (tests, CliRunner) leaves --debug behind it
        if debug is None:
            os.environ.pop(DEBUG_VARIABLE, None)
        else:
            os.environ[DEBUG_VARIABLE] = debug
    sys.exit(result if isinstance(result, int) else OK)
