"""``samconfig.toml``, as SAM CLI users already keep it: per environment, per command settings.

``[ENV.global.parameters]`` hold settings for every command, ``[ENV.COMMAND.parameters]`` for one
(``deploy``, ``local_start_api``, ``local_invoke``, ...), the later table winning. ``--config-env
ENV`` picks the environment, ``default`` when not given. ``parameter_overrides`` is SAM's
``"K=V K2='a b'"`` string or a list of ``K=V``: :func:`parse_parameter_overrides` reads both.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lambdaworks.project.errors import ProjectError

NAME = "samconfig.toml"
DEFAULT_ENV = "default"


def samconfig_tables(path: Path, env: str) -> dict[str, dict[str, Any]]:
    """``env``'s settings by command (``global`` included); {} when there is no file (or no such
    table) and ``env`` is the default, a ProjectError naming what is wrong otherwise."""
    if not path.is_file():
        if env != DEFAULT_ENV:
            raise ProjectError(f"--config-env {env}: there is no {path}")
        return {}
    from lambdaworks.project.tomlfile import tomllib  # only when there is a file to read

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{path}: {exc}") from None
    tables = document.get(env)
    if not isinstance(tables, dict):
        if env == DEFAULT_ENV:
            return {}
        known = ", ".join(k for k in document if isinstance(document[k], dict)) or "none"
        raise ProjectError(f"{path} has no [{env}] environment (it has: {known})")
    found = {}
    for command, table in tables.items():
        parameters = table.get("parameters") if isinstance(table, dict) else None
        if isinstance(parameters, dict):
            found[command] = parameters
    return found


def merged(tables: dict[str, dict[str, Any]], commands: Iterable[str]) -> dict[str, Any]:
    """The global settings, then each of ``commands``' over them."""
    settings: dict[str, Any] = {}
    for command in ("global", *commands):
        settings.update(tables.get(command, {}))
    return settings


def read_samconfig(path: Path, env: str, commands: Iterable[str]) -> dict[str, Any]:
    """:func:`merged` settings of ``commands`` in ``env`` of the file at ``path``."""
    return merged(samconfig_tables(path, env), commands)


def parse_parameter_overrides(value: str | Iterable[str] | None) -> dict[str, str]:
    """``"Stage=dev Greeting='hi there'"`` (or a list of ``K=V``) -> ``{"Stage": "dev", "Greeting": "hi there"}``."""
    if value is None:
        return {}
    try:
        items = shlex.split(value) if isinstance(value, str) else [str(v) for v in value]
    except ValueError as exc:  # an unclosed quote
        raise ProjectError(f"parameter overrides {value!r}: {exc}") from None
    parsed = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ProjectError(f"{item!r} is not Name=value")
        parsed[key] = text
    return parsed
