"""samconfig.toml, read from real files: environments, command tables, parameter overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdaworks.project import ProjectError
from lambdaworks.project.samconfig import merged, parse_parameter_overrides, read_samconfig, samconfig_tables

SAMCONFIG = """version = 0.1
[default.global.parameters]
parameter_overrides = "Stage=dev Greeting='hi there'"
region = "eu-west-1"
[default.local_start_api.parameters]
port = 3100
[default.local_invoke.parameters]
parameter_overrides = ["Stage=invoke"]
[prod.deploy.parameters]
stack_name = "shop-prod"
[notes]
text = "a table that is not an environment of commands"
"""


def write(tmp_path: Path, text: str = SAMCONFIG) -> Path:
    path = tmp_path / "samconfig.toml"
    path.write_text(text)
    return path


def test_command_tables_win_over_global_ones(tmp_path: Path) -> None:
    path = write(tmp_path)
    tables = samconfig_tables(path, "default")
    assert set(tables) == {"global", "local_start_api", "local_invoke"}
    assert merged(tables, ("local_start_api",)) == {
        "parameter_overrides": "Stage=dev Greeting='hi there'",
        "region": "eu-west-1",
        "port": 3100,
    }
    assert read_samconfig(path, "default", ("local_start_lambda", "local_invoke"))["parameter_overrides"] == [
        "Stage=invoke"
    ]
    assert read_samconfig(path, "prod", ("deploy",)) == {"stack_name": "shop-prod"}


def test_no_file_or_no_table_is_no_settings_for_the_default_environment_only(tmp_path: Path) -> None:
    assert read_samconfig(tmp_path / "absent.toml", "default", ("deploy",)) == {}
    assert read_samconfig(write(tmp_path, "version = 0.1\n"), "default", ("deploy",)) == {}
    with pytest.raises(ProjectError, match="--config-env prod: there is no"):
        read_samconfig(tmp_path / "absent.toml", "prod", ("deploy",))
    with pytest.raises(ProjectError, match=r"has no \[staging\] environment \(it has: default, prod, notes\)"):
        read_samconfig(write(tmp_path), "staging", ("deploy",))


def test_a_file_that_is_not_toml_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"samconfig\.toml: "):
        read_samconfig(write(tmp_path, "[default.global.parameters\n"), "default", ())


def test_parameter_overrides_take_sams_string_and_list_forms() -> None:
    assert parse_parameter_overrides("Stage=dev Greeting='hi there' Empty=") == {
        "Stage": "dev",
        "Greeting": "hi there",
        "Empty": "",
    }
    assert parse_parameter_overrides(["Stage=prod", "Url=https://x/?a=b"]) == {"Stage": "prod", "Url": "https://x/?a=b"}
    assert parse_parameter_overrides(None) == {}
    with pytest.raises(ProjectError, match="'Stage' is not Name=value"):
        parse_parameter_overrides("Stage")
    with pytest.raises(ProjectError, match="No closing quotation"):
        parse_parameter_overrides("Greeting='unclosed")
