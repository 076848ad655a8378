"""Translation and cfn-lint, remembered by the SAM template they ran on.

Both import large libraries and take about a second; an unchanged deploy has the same SAM
template as the last one, so it reads their results from ``.lambdaworks/package/checked/``
instead. The key covers the template, region, parameters and both tools' versions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from lambdaworks.build.state import write_text
from lambdaworks.deploy.cloudformation import to_cloudformation
from lambdaworks.deploy.lint import Problem, lint

TOOLS = ("aws-sam-translator", "cfn-lint")


def key_of(sam: Mapping[str, Any], region: str, parameters: Mapping[str, str]) -> str:
    versions = {tool: metadata.version(tool) for tool in TOOLS}
    text = json.dumps([sam, region, dict(parameters), versions], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def checked(
    sam: Mapping[str, Any], region: str, parameters: Mapping[str, str], cache: Path | None
) -> tuple[dict[str, Any], list[Problem]]:
    """``sam`` as CloudFormation for ``region`` and cfn-lint's findings on it (from ``cache`` when known)."""
    path = cache / f"{key_of(sam, region, parameters)}.json" if cache is not None else None
    if path is not None:
        try:
            stored = json.loads(path.read_text())
            return stored["cloudformation"], [Problem(**p) for p in stored["problems"]]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    cloudformation = to_cloudformation(sam, region, parameters)
    problems = lint(cloudformation, region)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps({"cloudformation": cloudformation, "problems": [asdict(p) for p in problems]}))
    return cloudformation, problems
