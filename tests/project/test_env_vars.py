"""``--env-vars`` files: SAM's format, read from real files, applied over a loaded project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lambdaworks.project import ProjectError, load_project
from lambdaworks.project.env_vars import apply_env_vars, read_env_vars
from tests.conftest import ROOT
from tests.local.conftest import PROJECT

EXAMPLE = ROOT / "examples" / "sam-app"


def env_file(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "env.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_function_entries_win_over_parameters_which_win_over_the_template(tmp_path: Path) -> None:
    project = load_project(PROJECT)
    assert project.functions["Echo"].environment["GREETING"] == "hi"
    path = env_file(
        tmp_path,
        {"Parameters": {"GREETING": "everyone", "STAGE": "local"}, "Echo": {"GREETING": "echo only"}},
    )
    applied = apply_env_vars(project, path)
    assert dict(applied.functions["Echo"].environment) == {"GREETING": "echo only", "STAGE": "local"}
    assert dict(applied.functions["Sleepy"].environment) == {"GREETING": "everyone", "STAGE": "local"}
    assert applied.inputs == (path.resolve(),)
    assert applied.routes == project.routes
    assert project.functions["Echo"].environment["GREETING"] == "hi"  # the loaded project is left as it was


def test_values_become_the_strings_lambda_holds(tmp_path: Path) -> None:
    path = env_file(tmp_path, {"Echo": {"ON": True, "OFF": False, "N": 3, "F": 1.5, "NONE": None, "S": "x"}})
    assert read_env_vars(path) == {"Echo": {"ON": "true", "OFF": "false", "N": "3", "F": "1.5", "NONE": "", "S": "x"}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ("[1, 2]", "must hold an object like"),
        ({"Echo": "GREETING=x"}, "'Echo' must be an object of variable names and values, not \"GREETING=x\""),
        ({"Echo": {"GREETING": {"nested": 1}}}, 'Echo.GREETING must be a string, number or boolean, not {"nested": 1}'),
        ({"Echo": {"GREETING": [1]}}, "Echo.GREETING must be a string, number or boolean, not [1]"),
    ],
)
def test_a_malformed_file_is_a_project_error_saying_what_is_wrong(tmp_path: Path, content: Any, message: str) -> None:
    path = env_file(tmp_path, content)
    with pytest.raises(ProjectError) as info:
        apply_env_vars(load_project(PROJECT), path)
    assert message in str(info.value)
    assert str(path.resolve()) in str(info.value)


def test_a_missing_file_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="cannot read the env-vars file"):
        read_env_vars(tmp_path / "absent.json")


def test_unknown_entries_and_undeclared_variables_are_named_in_warnings(tmp_path: Path) -> None:
    project = load_project(EXAMPLE)
    path = env_file(
        tmp_path,
        {
            "Parameters": {"STAGE": "local", "LOG_LEVEL": "debug"},
            "HelloFunction": {"GREETING": "hey", "DEBUG": "1"},
            "HeloFunction": {"X": "typo"},
        },
    )
    applied = apply_env_vars(project, path)
    new = applied.warnings[len(project.warnings) :]
    assert new == (  # STAGE (Globals) and GREETING (HelloFunction) are declared
        "env.json: HeloFunction is not a function of the project "
        "(functions: FastApiFunction, FlaskFunction, HelloFunction); those variables are not used",
        "env.json sets LOG_LEVEL for FastApiFunction, FlaskFunction, but the template does not declare it: "
        "local only, not deployed",
        "env.json sets DEBUG, LOG_LEVEL for HelloFunction, but the template does not declare them: "
        "local only, not deployed",
    )
    assert applied.functions["FlaskFunction"].environment["STAGE"] == "local"
    assert applied.functions["HelloFunction"].environment["GREETING"] == "hey"
    assert "X" not in applied.functions["HelloFunction"].environment


def test_variables_the_template_declares_need_no_warning(tmp_path: Path) -> None:
    project = load_project(PROJECT)
    applied = apply_env_vars(project, env_file(tmp_path, {"Echo": {"GREETING": "hello"}}))
    assert applied.warnings == project.warnings
    every = apply_env_vars(project, env_file(tmp_path, {"Parameters": {"TABLE": "t"}}))
    assert every.warnings[len(project.warnings) :] == (
        "env.json sets TABLE for every function, but the template does not declare it: local only, not deployed",
    )


def test_no_file_leaves_the_project_as_it_is() -> None:
    project = load_project(PROJECT)
    assert apply_env_vars(project, None) is project
