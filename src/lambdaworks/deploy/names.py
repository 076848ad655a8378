"""CloudFormation logical IDs for the names a native config uses (``hello-world`` -> ``HelloWorld``)."""

from __future__ import annotations

from lambdaworks.deploy.errors import DeployError
from lambdaworks.project.names import pascal


def logical_id(name: str, suffix: str) -> str:
    """``pascal(name)`` ending in ``suffix`` once (``hello`` + ``Function`` -> ``HelloFunction``)."""
    base = pascal(name)
    return base if base.endswith(suffix) else base + suffix


def unique(ids: dict[str, str], what: str) -> dict[str, str]:
    """``ids`` (name -> logical ID) checked for two names that map to one ID."""
    seen: dict[str, str] = {}
    for name, logical in ids.items():
        if logical in seen:
            raise DeployError(
                f"{what} {seen[logical]!r} and {name!r} both become {logical} in the template: rename one"
            )
        seen[logical] = name
    return ids
