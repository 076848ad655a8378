"""The runtime ships inside users' functions: stdlib only, self-contained, cheap to import, 3.10+.

Import cost is checked by what gets imported (deterministic), not by timing; the timings are
in ``benchmarks/adapter.py``.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
RUNTIME = SRC / "lambdaworks" / "runtime"

PROBE = """
import sys
before = set(sys.modules)
sys.path.insert(0, {src!r})
import lambdaworks, lambdaworks.runtime
new = sorted(set(sys.modules) - before)
print(repr(new).replace("'", '"'))
"""

# Heavy stdlib modules a WSGI function must not pay for at cold start.
HEAVY = {
    "asyncio",
    "logging",
    "typing",
    "dataclasses",
    "inspect",
    "re",
    "urllib.parse",
    "uuid",
    "email",
    "http",
    "json",
    "traceback",
    "base64",
    "tempfile",
    "subprocess",
    "threading",
    "ssl",
    "socket",
}


def imported_by_runtime(python: str = sys.executable) -> list[str]:
    out = subprocess.run([python, "-S", "-c", PROBE.format(src=str(SRC))], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_importing_lambdaworks_loads_only_the_runtime_and_the_stdlib() -> None:
    modules = imported_by_runtime()
    ours = [m for m in modules if m.split(".")[0] == "lambdaworks"]
    others = [m for m in modules if m.split(".")[0] != "lambdaworks"]
    assert all(
        m == "lambdaworks" or m == "lambdaworks.__about__" or m.startswith("lambdaworks.runtime") for m in ours
    ), ours
    stdlib = sys.stdlib_module_names
    assert [m for m in others if m.split(".")[0] not in stdlib] == []
    assert sorted(set(others) & HEAVY) == []


def test_runtime_source_imports_nothing_outside_stdlib_and_itself() -> None:
    for path in RUNTIME.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top == "lambdaworks":
                    assert name.startswith("lambdaworks.runtime"), f"{path.name} imports {name}"
                else:
                    assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"


def test_runtime_needs_nothing_newer_than_python_310() -> None:
    for path in RUNTIME.rglob("*.py"):
        ast.parse(path.read_text(), filename=str(path), feature_version=(3, 10))
    vermin = shutil.which("vermin") or str(Path(sys.executable).with_name("vermin"))
    result = subprocess.run(
        [
            vermin,
            "--no-tips",
            "--violations",
            "-t=3.10-",
            "--eval-annotations",
            "--no-parse-comments",
            str(RUNTIME),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


SMOKE = """
import sys, json
sys.path.insert(0, {src!r})
import lambdaworks
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    return [json.dumps([environ["SCRIPT_NAME"], environ["PATH_INFO"], environ["QUERY_STRING"]]).encode()]
async def asgi(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({{"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"image/png")]}})
    await send({{"type": "http.response.body", "body": bytes(range(256))}})
event = json.load(open({event!r}))
event["rawPath"] = "/dev/x y"; event["requestContext"]["stage"] = "dev"  # HTTP APIs send the path decoded
print(json.dumps([lambdaworks.handler(app)(event, None), lambdaworks.handler(asgi)(event, None)["body"][:12]]))
"""


@pytest.mark.parametrize("version", ["3.10", "3.12", "3.13"])
def test_runtime_runs_on_other_lambda_pythons(version: str) -> None:
    candidates = [
        shutil.which(f"python{version}"),
        *map(str, Path.home().glob(f".pyenv/versions/{version}*/bin/python{version}")),
    ]
    working = [c for c in candidates if c and subprocess.run([c, "-c", "pass"], capture_output=True).returncode == 0]
    if not working:
        pytest.skip(f"python{version} is not installed here")
    python = working[0]
    from tests.conftest import EVENTS

    code = SMOKE.format(src=str(SRC), event=str(EVENTS / "powertools" / "apiGatewayProxyV2Event.json"))
    out = subprocess.run([python, "-S", "-c", code], check=True, capture_output=True, text=True)
    result, png = json.loads(out.stdout)
    assert result["cookies"] == ["a=1", "b=2"]
    assert json.loads(result["body"]) == [
        "/dev",
        "/x y",
        "parameter1=value1&parameter1=value2&parameter2=value",
    ]
    assert png == "AAECAwQFBgcI"
    assert "asyncio" not in imported_by_runtime(python)
