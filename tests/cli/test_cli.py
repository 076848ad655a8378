"""The lambdaworks command, run as a real subprocess the way users run it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lambdaworks.__about__ import __version__

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hello" / "app.py"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lambdaworks.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=ROOT,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"lambdaworks, version {__version__}"


def test_call_example_prints_the_http_response() -> None:
    result = run("call", f"{EXAMPLE}:handler", "--path", "/hello/world", "--stage", "dev")
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition("\n\n")
    assert head.splitlines()[0] == "HTTP 200"
    assert json.loads(body) == {
        "message": "Hello, world!",
        "path": "/hello/world",
        "url": "https://abcdef1234.execute-api.us-east-1.amazonaws.com/dev/hello/world",
    }


@pytest.mark.parametrize("source", ["rest", "http-v1", "http-v2", "function-url", "alb", "alb-multi"])
def test_call_every_source_raw(source: str) -> None:
    result = run(
        "call",
        f"{EXAMPLE}:handler",
        "--source",
        source,
        "-X",
        "POST",
        "--path",
        "/echo",
        "-H",
        "Content-Type: application/json",
        "-d",
        '{"a": 1}',
        "--raw",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(json.loads(result.stdout)["body"]) == {"a": 1}


def test_events_generate_then_call_with_it() -> None:
    event = run("events", "generate", "s3", "--key", "in/photo.jpg")
    assert event.returncode == 0
    result = run("call", f"{EXAMPLE}:handler", "--event", "-", stdin=event.stdout)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"processed": ["in/photo.jpg"]}
    assert "received 1 upload(s): ['in/photo.jpg']" in result.stderr  # the function's output is a log


def test_events_list_names_every_source() -> None:
    names = run("events", "list").stdout.split()
    assert {"apigw-v1", "http-v2", "alb", "s3", "sqs", "cloudwatch-logs"} <= set(names)


def test_unsupported_event_is_a_clear_error() -> None:
    result = run("call", f"{EXAMPLE}:handler", "--event", "-", stdin='{"hello": "world"}')
    assert result.returncode == 1
    assert "UnsupportedEvent" in result.stderr
    assert "keys seen: hello" in result.stderr


def test_bad_target_is_a_clear_error() -> None:
    result = run("call", "examples/nope.py:handler")
    assert result.returncode == 1
    assert "examples/nope.py does not exist" in result.stderr
    result = run("call", f"{EXAMPLE}:missing")
    assert "has no attribute 'missing'" in result.stderr


def test_bad_header_is_a_usage_error() -> None:
    result = run("call", f"{EXAMPLE}:handler", "-H", "no-colon")
    assert result.returncode == 2
    assert "is not 'Name: value'" in result.stderr


def test_routes_prints_the_route_table_and_warnings() -> None:
    result = run("routes", "examples/sam-app", "--parameter-overrides", "Stage=prod")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "METHOD  PATH              FUNCTION         API",
        "GET     /                 FlaskFunction    ServerlessRestApi (REST API stage Prod)",
        "ANY     /{proxy+}         FlaskFunction    ServerlessRestApi (REST API stage Prod)",
        "GET     /items/{item_id}  FastApiFunction  ItemsApi (HTTP API)",
        "POST    /items            FastApiFunction  ItemsApi (HTTP API)",
        "GET     /hello            HelloFunction    ItemsApi (HTTP API)",
        "SCHEDULE  cron(0 3 * * ? *)  HelloFunction  (Nightly)",
    ]
    assert result.stderr == ""  # everything in the example is emulated: no warnings


def test_routes_errors_are_actionable(tmp_path: Path) -> None:
    result = run("routes", str(tmp_path))
    assert result.returncode == 1
    assert "pass the project folder or --template FILE" in result.stderr
    result = run("routes", "examples/sam-app", "--parameter-overrides", "Stage")
    assert result.returncode == 2
    assert "'Stage' is not Name=value" in result.stderr


def test_invoke_runs_a_function_once_without_a_server() -> None:
    event = run("events", "generate", "http-v2", "--path", "/hello?name=cli").stdout
    result = run("invoke", "HelloFunction", "examples/sam-app", "-e", "-", stdin=event)
    assert result.returncode == 0, result.stderr
    assert json.loads(json.loads(result.stdout)["body"]) == {"message": "Hello, cli!"}
    assert "[HelloFunction] greeting cli" in result.stderr
    assert "Init Duration:" in result.stderr


def test_invoke_reports_function_errors_with_exit_status_1() -> None:
    result = run(
        "invoke", "Results", "tests/apps/sam_project", "-e", "-", stdin='{"pathParameters": {"kind": "raise"}}'
    )
    assert result.returncode == 1
    error = json.loads(result.stdout)
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "results were asked to fail")
    assert all("bootstrap.py" not in frame for frame in error["stackTrace"])
    missing = run("invoke", "Nope", "examples/sam-app")
    assert "no function 'Nope' in the project; it has: FlaskFunction, FastApiFunction, HelloFunction" in missing.stderr


@pytest.mark.parametrize("source", ["alb", "function-url", "http-v2"])
def test_events_generate_takes_the_same_http_options_as_call(source: str) -> None:
    result = run("events", "generate", source, "--stage", "dev", "--path", "/x", "-H", "X-A: 1")
    assert result.returncode == 0, result.stderr
    event = json.loads(result.stdout)
    assert event["requestContext"].get("stage") in (None, "$default", "dev")
    assert (event["rawPath"] if "rawPath" in event else event["path"]) == ("/dev/x" if source == "http-v2" else "/x")


def test_invoke_takes_an_env_vars_file(tmp_path: Path) -> None:
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"HelloFunction": {"GREETING": "Howdy", "DEBUG": True}}))
    event = run("events", "generate", "http-v2", "--path", "/hello?name=cli").stdout
    result = run("invoke", "HelloFunction", "examples/sam-app", "--env-vars", str(env), "-e", "-", stdin=event)
    assert result.returncode == 0, result.stderr
    assert json.loads(json.loads(result.stdout)["body"]) == {"message": "Howdy, cli!"}
    assert "env.json sets DEBUG for HelloFunction, but the template does not declare it" in result.stderr
    env.write_text("[]")
    bad = run("invoke", "HelloFunction", "examples/sam-app", "--env-vars", str(env))
    assert bad.returncode == 1
    assert "must hold an object like" in bad.stderr


def test_invoke_takes_its_settings_from_samconfig_like_sam_local_invoke(tmp_path: Path) -> None:
    project = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "sam-app", project, ignore=shutil.ignore_patterns(".lambdaworks"))
    (project / "env.json").write_text(json.dumps({"HelloFunction": {"DEBUG": "1"}}))
    (project / "samconfig.toml").write_text(
        "version = 0.1\n[default.global.parameters]\nparameter_overrides = \"Greeting='Good day'\"\n"
        '[default.local_invoke.parameters]\nenv_vars = "env.json"\n'
        '[dev.local_invoke.parameters]\nparameter_overrides = ["Greeting=Yo"]\n'
    )
    event = run("events", "generate", "http-v2", "--path", "/hello?name=cfg").stdout

    def message(*args: str) -> str:
        result = run("invoke", "HelloFunction", str(project), "-e", "-", *args, stdin=event)
        assert result.returncode == 0, result.stderr
        return str(json.loads(json.loads(result.stdout)["body"])["message"])

    assert message() == "Good day, cfg!"
    assert message("--config-env", "dev") == "Yo, cfg!"
    assert message("--parameter-overrides", "Greeting='Hi there'") == "Hi there, cfg!"  # flags win
    settings = run("invoke", "HelloFunction", str(project), "-e", "-", stdin=event)
    assert "env.json sets DEBUG for HelloFunction" in settings.stderr  # env_vars, from the file's folder
    missing = run("invoke", "HelloFunction", str(project), "--config-env", "prod")
    assert missing.returncode == 1
    assert "samconfig.toml has no [prod] environment (it has: default, dev)" in missing.stderr
