"""Deploy settings from ``samconfig.toml`` (see :mod:`lambdaworks.project.samconfig`).

``[ENV.deploy.parameters]`` (and ``[ENV.global.parameters]``) give ``stack_name``, ``s3_bucket``,
``s3_prefix``, ``region``, ``profile``, ``stage`` and ``parameter_overrides``; ``--config-env ENV``
picks the table, ``default`` when not given. Flags on the command line win over the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lambdaworks.project.samconfig import NAME, read_samconfig

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
    """The deploy settings for ``env`` in ``path``; {} when there is no file and ``env`` is the default."""
    return {key: value for key, value in read_samconfig(path, env, (command,)).items() if key in KEYS}


__all__ = ["KEYS", "NAME", "load_settings"]
