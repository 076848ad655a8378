"""The native config: the same model as the SAM template, found where users put it, strict about typos."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from lambdaworks.project import ConfigError, Project, ProjectError, load_project
from lambdaworks.project.model import frozen_map

ROOT = Path(__file__).resolve().parents[2]
SAM = ROOT / "examples" / "sam-app"
NATIVE = ROOT / "examples" / "native-app"
SAME = {"flask": "FlaskFunction", "fastapi": "FastApiFunction", "hello": "HelloFunction"}
SAME_APIS = {"rest": "ServerlessRestApi", "items": "ItemsApi"}


def renamed(project: Project) -> tuple[dict[str, object], dict[str, object], list[object]]:
    """The native project's functions, APIs and routes under the SAM example's logical ids."""
    functions = {  # environment_source (env before ${} substitution) is what deploy writes; SAM keeps its own
        SAME[n]: dataclasses.replace(f, name=SAME[n], environment_source=frozen_map())
        for n, f in project.functions.items()
    }
    apis = {SAME_APIS[n]: dataclasses.replace(a, name=SAME_APIS[n]) for n, a in project.apis.items()}
    routes = [dataclasses.replace(r, function=SAME[r.function], api=SAME_APIS[r.api]) for r in project.routes]
    return functions, apis, routes


def write(tmp_path: Path, body: str, name: str = "lambdaworks.toml") -> Path:
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / name).write_text(textwrap.dedent(body))
    return tmp_path


@pytest.mark.parametrize("overrides", [{}, {"Stage": "prod", "Greeting": "Howdy"}])
def test_native_example_is_the_sam_example(overrides: dict[str, str]) -> None:
    sam, native = load_project(SAM, overrides=overrides), load_project(NATIVE, overrides=overrides)
    functions, apis, routes = renamed(native)
    expected = dict(sam.functions)
    if overrides:  # the SAM example's FlaskFunction memory is !If [IsProd, 1024, 512]; native has no conditions
        expected["FlaskFunction"] = dataclasses.replace(expected["FlaskFunction"], memory_size=512)
    assert functions == expected
    assert apis == dict(sam.apis)
    assert routes == list(sam.routes)
    assert native.source == NATIVE / "lambdaworks.toml"
    assert native.warnings == sam.warnings == ()
    assert [(s.function, s.name, s.expression) for s in native.schedules] == [("hello", "Nightly", "cron(0 3 * * ? *)")]


def test_pyproject_errors_name_the_tool_table(tmp_path: Path) -> None:
    write(tmp_path, "[tool.lambdaworks.function.web]\ncode = 'src'\n", name="pyproject.toml")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: tool\.lambdaworks: unknown key 'function'"):
        load_project(tmp_path)


def test_pyproject_tool_table(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [project]
        name = "shop"

        [tool.lambdaworks.functions.api]
        code = "src"
        handler = "app.handler"
        routes = ["$default"]
        """,
        name="pyproject.toml",
    )
    project = load_project(tmp_path)
    assert project.source == tmp_path / "pyproject.toml"
    (route,) = project.routes
    assert (route.method, route.path, route.api, route.kind, route.payload_version) == (
        "ANY",
        "$default",
        "http",
        "http",
        "2.0",
    )
    assert list(project.apis) == ["http"]
    function = project.functions["api"]
    assert (function.runtime, function.timeout, function.memory_size, function.code_uri) == (
        "python3.12",
        3.0,
        128,
        (tmp_path / "src").resolve(),
    )


def test_route_tables_pick_api_and_payload(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [apis.public]
        type = "rest"
        stage = "v1"
        binary_media_types = ["image/png"]

        [functions.web]
        code = "src"
        handler = "app.handler"
        routes = [
          "get /a",
          { route = "POST /b", api = "public" },
          { route = "PUT /c", payload = "1.0", timeout_ms = 500 },
        ]
        """,
    )
    project = load_project(tmp_path)
    assert [(r.method, r.path, r.api, r.kind, r.payload_version, r.integration_timeout) for r in project.routes] == [
        ("GET", "/a", "http", "http", "2.0", None),
        ("POST", "/b", "public", "rest", "1.0", None),
        ("PUT", "/c", "http", "http", "1.0", 0.5),
    ]
    assert project.apis["public"].stage == "v1"
    assert project.apis["public"].binary_media_types == ("image/png",)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\nmemroy=512",
            r"functions.web: unknown key 'memroy' \(did you mean 'memory'\?\)",
        ),
        ("[functions.web]\ncode='src'", r"functions.web: needs handler = 'module.function'"),
        ("[functions.web]\ncode='nowhere'\nhandler='a.b'", r"functions.web.code: .*nowhere is not a folder"),
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\ntimeout=901",
            r"functions.web.timeout: 901 is outside Lambda's 1-900",
        ),
        ("[functions.web]\ncode='src'\nhandler='a.b'\nmemory='big'", r"functions.web.memory: expected megabytes"),
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\nconcurrency=true",
            r"functions.web.concurrency: expected a whole",
        ),
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\nlayers=['x']",
            r"functions.web.layers: no layer 'x' in \[layers\]",
        ),
        ("[functions.web]\ncode='src'\nhandler='a.b'\nroutes=['/x']", r"routes\[0\]: expected 'METHOD /path'"),
        ("[functions.web]\ncode='src'\nhandler='a.b'\nroutes=['FETCH /x']", r"routes\[0\]: expected 'METHOD /path'"),
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\nroutes=[{route='GET /x', api='nope'}]",
            r"routes\[0\]: no API 'nope': declare \[apis.nope\]",
        ),
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\napi='rest'\nroutes=['$default']",
            r"\$default routes exist only on HTTP APIs",
        ),
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\napi='rest'\nroutes=[{route='GET /x', payload='2.0'}]",
            r"REST APIs send 1.0",
        ),
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\napi='rest'\nroutes=[{route='GET /x', timeout_ms=29001}]",
            r"routes\[0\].timeout_ms: 29001 is outside API Gateway's 50-29000 ms",
        ),
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\nschedules=['every day']",
            r"schedules.Schedule1: 'every day': expected rate\(N unit\)",
        ),
        (
            "[functions.web]\ncode='src'\nhandler='a.b'\nruntime='nodejs20.x'",
            r"functions.web.runtime: nodejs20.x is not a runtime lambdaworks runs \(python3.x or provided\)",
        ),
        ("[apis.x]\ntype='websocket'", r"apis.x.type: expected 'rest' or 'http'"),
        ("[layers]\nx='missing'", r"layers.x: missing is not a folder"),
        ("[function.web]\ncode='src'", r"toml: unknown key 'function' \(did you mean 'functions'\?\)"),
        ("[parameters]\nStage='dev'", r"functions: no functions"),
        ("functions = [", r"cannot parse"),
        ("[functions.web]\ncode='src'\nhandler='a.b'\nenv={X=['a']}", r"functions.web.env.X: expected a string"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, body: str, message: str) -> None:
    write(tmp_path, body)
    with pytest.raises(ConfigError, match=message) as caught:
        load_project(tmp_path)
    assert str(caught.value).startswith(str(tmp_path / "lambdaworks.toml"))


def test_parameters_and_pseudo_parameters_in_env(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [parameters]
        Stage = "dev"

        [functions.web]
        code = "src"
        handler = "app.handler"
        env = { TABLE = "${AWS::StackName}-${Stage}", REGION = "${AWS::Region}", DEBUG = true, RETRIES = 3 }
        """,
    )
    env = load_project(tmp_path, overrides={"Stage": "prod"}).functions["web"].environment
    assert dict(env) == {"TABLE": "lambdaworks-local-prod", "REGION": "us-east-1", "DEBUG": "true", "RETRIES": "3"}
    with pytest.raises(ConfigError, match="--parameter-overrides names undeclared parameters: Nope"):
        load_project(tmp_path, overrides={"Nope": "x"})


def test_finding_the_description(tmp_path: Path) -> None:
    with pytest.raises(
        ProjectError, match=r"no template.yaml .*, lambdaworks.toml or \[tool.lambdaworks\] in pyproject"
    ):
        load_project(tmp_path)
    with pytest.raises(ProjectError, match="does not exist"):
        load_project(tmp_path, template=Path("other.yaml"))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'not-a-lambda-project'\n")
    with pytest.raises(ProjectError, match=r"no template\.yaml"):
        load_project(tmp_path)  # a pyproject.toml without [tool.lambdaworks] does not count
    write(tmp_path, "[functions.web]\ncode='src'\nhandler='app.handler'\n")
    assert list(load_project(tmp_path).functions) == ["web"]
    (tmp_path / "template.yaml").write_text("Resources: {}\n")
    with pytest.raises(ProjectError, match=r"has template\.yaml, lambdaworks\.toml: pass --template FILE"):
        load_project(tmp_path)
    assert list(load_project(tmp_path, template=Path("lambdaworks.toml")).functions) == ["web"]
