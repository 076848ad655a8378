"""Every command fails in one line with the documented exit status, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_cli import ROOT, run

#: Runs the console script with the deploy extra's packages made unimportable, as in an
#: environment where only ``pip install lambdaworks`` ran (``sys.modules[name] = None`` is
#: Python's documented way to make an import fail).
WITHOUT_DEPLOY_EXTRA = """\
import sys
for name in ("boto3", "botocore", "samtranslator", "cfnlint"):
    sys.modules[name] = None
sys.argv[0] = "lambdaworks"
from lambdaworks.cli.entry import run
run()
"""


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_help_documents_the_exit_statuses() -> None:
    result = run("--help")
    assert "Exit status: 0 done, 1 failed (the message says what to change), 2 usage," in result.stdout
    assert "130 interrupted." in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["template", "{project}"],
        ["package", "{project}", "--s3-bucket", "b"],
        ["deploy", "{project}", "--stack-name", "s", "--s3-bucket", "b"],
        ["outputs", "--stack-name", "s"],
        ["delete", "--stack-name", "s", "--no-confirm"],
    ],
    ids=lambda args: args[0],
)
def test_deploy_commands_without_the_extra_say_which_to_install(tmp_path: Path, args: list[str]) -> None:
    project = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "sam-app", project, ignore=shutil.ignore_patterns(".lambdaworks"))
    argv = [arg.format(project=project) for arg in args]
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_DEPLOY_EXTRA, *argv], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line == (
        f"Error: lambdaworks {args[0]} needs the deploy extra (boto3, botocore, aws-sam-translator, cfn-lint "
        "not installed): pip install 'lambdaworks[deploy]'"
    )
    assert not (project / ".lambdaworks").exists()  # checked before any work: nothing was built


def test_a_handler_that_raises_is_reported_as_lambda_reports_it(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        'def handler(event, context):\n    check(event)\n\n\ndef check(event):\n    raise ValueError("no order id")\n'
    )
    result = run("call", f"{app}:handler", "--event", "-", stdin='{"order": null}')
    assert result.returncode == 1
    assert one_line(result.stderr) == "Error: the function raised ValueError: no order id"
    error = json.loads(result.stdout)
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "no order id")
    assert error["stackTrace"] == [
        f'  File "{app}", line 2, in handler\n    check(event)\n',
        f'  File "{app}", line 6, in check\n    raise ValueError("no order id")\n',
    ]
    assert len(error["requestId"]) == 36


def test_a_wsgi_app_called_as_a_handler_gets_a_hint_to_wrap_it() -> None:
    result = run("call", "tests/apps/django_app.py:wsgi_app", "--path", "/hello/x")
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith("Error: the function raised ")
    assert line.endswith("it looks like a WSGI app, not a Lambda handler: pass --wrap to serve it through the adapter")
    wrapped = run("call", "tests/apps/django_app.py:wsgi_app", "--path", "/hello/x", "--wrap")
    assert wrapped.returncode == 0, wrapped.stderr
    assert wrapped.stdout.startswith("HTTP 200")


@pytest.mark.parametrize("command", ["invoke", "call"])
def test_an_event_file_that_is_not_json_is_refused_before_anything_runs(tmp_path: Path, command: str) -> None:
    event = tmp_path / "event.json"
    event.write_text("{'single': 'quotes'}")
    if command == "invoke":
        result = run("invoke", "HelloFunction", "examples/sam-app", "-e", str(event))
    else:
        result = run("call", "examples/hello/app.py:handler", "--event", str(event))
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith(f"Error: Invalid value for --event: {event} is not JSON: Expecting property name")
    assert result.stdout == ""  # no environment started, no START line


def test_usage_errors_are_one_line_with_status_2() -> None:
    unknown = run("dev", "--zzz")
    assert unknown.returncode == 2
    line = one_line(unknown.stderr)  # click's wording of the option differs between releases
    assert line.startswith("Error: No such option")
    assert line.endswith("--zzz (see 'lambdaworks dev --help')") or line.endswith(
        "'--zzz' (see 'lambdaworks dev --help')"
    )
    nothing = run("no-such-command")
    assert nothing.returncode == 2
    assert one_line(nothing.stderr) == "Error: No such command 'no-such-command' (see 'lambdaworks --help')"
    missing = run("outputs")
    assert missing.returncode == 2
    assert one_line(missing.stderr) == "Error: no stack name: pass --stack-name, or set stack_name in samconfig.toml"


def test_a_project_error_is_one_line_with_status_1(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n")
    result = run("routes", str(tmp_path))
    assert result.returncode == 1
    assert one_line(result.stderr).endswith("resource Fn: Handler and Runtime are required")


SLOW = """\
Resources:
  Slow:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: slow.handler, CodeUri: ., Timeout: 60}
"""


def test_an_interrupted_command_exits_130_and_leaves_no_process(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(SLOW)
    (tmp_path / "slow.py").write_text("import time\n\ndef handler(event, context):\n    time.sleep(event['seconds'])\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "lambdaworks.cli", "invoke", "Slow", str(tmp_path), "-e", "-"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdin is not None
    assert process.stderr is not None
    process.stdin.write('{"seconds": 30}')
    process.stdin.close()
    for line in process.stderr:  # the function is running once it logs its START line
        if "START RequestId" in line:
            break
    os.kill(process.pid, signal.SIGINT)
    assert process.wait(10) == 130
    assert process.stderr.read().strip().splitlines()[-1] == "Interrupted."
    process.stderr.close()
    assert process.stdout is not None
    process.stdout.close()
    time.sleep(0.2)
    assert running_in(tmp_path) == []  # the function's environment (its own session) ended too


def running_in(folder: Path) -> list[int]:
    """The processes whose working folder is ``folder`` (an environment runs in its code folder)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.readlink(f"/proc/{entry}/cwd") == str(folder):
                found.append(int(entry))
        except OSError:
            continue
    return found
