"""Per-environment deploy settings from ``samconfig.toml``, as SAM CLI users already keep them.

``[ENV.deploy.parameters]`` (and ``[ENV.global.parameters]``) give ``stack_name``, ``s3_bucket``,
``s3_prefix``, ``region``, ``profile``, ``stage`` and ``parameter_overrides`` (``"K=V K2=V2"`` or
a list); ``--config-env ENV`` picks the table, ``default`` when not given. Flags on the command
line win over the file.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from lambdaworks.deploy.errors import DeployError
from lambdaworks.project.tomlfile import tomllib

NAME = "samconfig.toml"
DEFAULT_ENV = "default"
KEYS = (
    "stack_name",
    "s3_bucket",
    "s3_prefix",
    "region",
    "profile",
    "stage",
    "parameter_overrides",
    "confirm_changeset",
)


def load_settings(path: Path, env: str, command: str = "deploy") -> dict[str, Any]:
    """The settings for ``env`` in ``path``; {} when there is no file and ``env`` is the default."""
    if not path.is_file():
        if env != DEFAULT_ENV:
            raise DeployError(f"--config-env {env}: there is no {path}")
        return {}
    try:
        document = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise DeployError(f"{path}: {exc}") from None
    if env not in document:
        if env == DEFAULT_ENV:
            return {}
        known = ", ".join(k for k in document if isinstance(document[k], dict)) or "none"
        raise DeployError(f"{path} has no [{env}] environment (it has: {known})")
    tables = document[env]
    settings: dict[str, Any] = {}
    for section in ("global", command):
        settings.update((tables.get(section) or {}).get("parameters") or {})
    return {key: value for key, value in settings.items() if key in KEYS}


def overrides(value: Any) -> dict[str, str]:
    """``parameter_overrides`` as SAM writes it (``"K=V K2='a b'"`` or a list of ``K=V``) -> a dict."""
    items = shlex.split(value) if isinstance(value, str) else [str(v) for v in value or []]
    parsed = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise DeployError(f"parameter override {item!r} is not KEY=VALUE")
        parsed[key] = text
    return parsed
