"""The optional extras (``pip install 'lambdaworks[deploy]'``) and the check a command makes before using one.

A command that needs an extra calls :func:`require` before any work, so a missing package is one
line naming the extra to install, not an ImportError in the middle of a build.
"""

from __future__ import annotations

import importlib.util

#: Each extra -> the (import name, distribution name) of the packages it installs.
EXTRAS: dict[str, tuple[tuple[str, str], ...]] = {
    "deploy": (
        ("boto3", "boto3"),
        ("botocore", "botocore"),
        ("samtranslator", "aws-sam-translator"),
        ("cfnlint", "cfn-lint"),
    ),
    "debug": (("debugpy", "debugpy"),),
}


class MissingExtra(Exception):
    """``extra`` is not installed (``missing`` names its absent distributions)."""

    def __init__(self, extra: str, needed_by: str, missing: list[str]) -> None:
        super().__init__(
            f"{needed_by} needs the {extra} extra ({', '.join(missing)} not installed): "
            f"pip install 'lambdaworks[{extra}]'"
        )
        self.extra = extra
        self.missing = missing


def installed(module: str) -> bool:
    """Whether ``module`` can be imported here (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def missing(extra: str) -> list[str]:
    """The distributions of ``extra`` that cannot be imported here."""
    return [distribution for module, distribution in EXTRAS[extra] if not installed(module)]


def require(extra: str, needed_by: str) -> None:
    """Raise MissingExtra unless every package of ``extra`` is installed."""
    absent = missing(extra)
    if absent:
        raise MissingExtra(extra, needed_by, absent)
