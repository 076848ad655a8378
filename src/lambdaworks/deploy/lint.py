"""cfn-lint over a template about to be deployed: errors stop the deploy, warnings are shown."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One cfn-lint finding."""

    rule: str
    level: str  # "error", "warning" or "informational"
    message: str
    path: str

    def __str__(self) -> str:
        return f"{self.rule} {self.message} ({self.path})" if self.path else f"{self.rule} {self.message}"


def lint(template: dict[str, Any], region: str) -> list[Problem]:
    """cfn-lint's findings on ``template`` for ``region``."""
    from cfnlint.api import ManualArgs
    from cfnlint.api import lint as run

    matches = run(json.dumps(template), config=ManualArgs(regions=[region]))
    problems = []
    for match in matches:
        path = "/".join(str(part) for part in getattr(match, "path", None) or [])
        level = str(getattr(match.rule, "severity", "error")).lower()
        problems.append(Problem(match.rule.id, level, match.message, path))
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error"]
