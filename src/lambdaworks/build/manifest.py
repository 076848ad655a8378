"""``manifest.json``: each function's code package and layers, and each artifact's hash and sizes.

What ``lambdaworks dev --from-build`` serves and ``lambdaworks deploy`` uploads. Written only when
its content changes, so an unchanged build leaves every file of the output folder untouched.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambdaworks.build.artifacts import BuildResult
from lambdaworks.build.errors import BuildError
from lambdaworks.build.files import Excluded
from lambdaworks.build.state import write_text

NAME = "manifest.json"
FORMAT = 1


def excluded_summary(excluded: tuple[Excluded, ...]) -> list[dict[str, Any]]:
    """What an artifact left out, one line per reason: how many paths, their bytes, the first few."""
    by_reason: dict[str, list[Excluded]] = defaultdict(list)
    for item in excluded:
        by_reason[item.reason].append(item)
    return [
        {
            "reason": reason,
            "count": len(items),
            "bytes": sum(i.size for i in items),
            "paths": [i.path for i in items[:5]],
        }
        for reason, items in sorted(by_reason.items())
    ]


def manifest_data(result: BuildResult) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "functions": {
            name: {
                "handler": f.handler,
                "runtime": f.runtime,
                "architecture": f.architecture,
                "python": f.python,
                "code": f.code,
                "layers": list(f.layers),
                "unzipped": result.unzipped_total(f),
            }
            for name, f in result.functions.items()
        },
        "artifacts": {
            name: {
                "kind": a.kind,
                "sha256": a.sha256,
                "size": a.size,
                "unzipped": a.unzipped,
                "files": a.files,
                "excluded": excluded_summary(a.excluded),
            }
            for name, a in result.artifacts.items()
        },
    }


def write_manifest(result: BuildResult) -> None:
    path = result.out / NAME
    text = json.dumps(manifest_data(result), indent=2) + "\n"
    try:
        if path.read_text() == text:
            return
    except OSError:
        pass
    write_text(path, text)


@dataclass(frozen=True)
class BuiltFunction:
    """A function as the manifest has it: the zips it runs from, as paths."""

    name: str
    python: str | None  # what the package was built for ("3.12")
    code: Path
    layers: tuple[Path, ...]


def read_manifest(out: Path) -> dict[str, BuiltFunction]:
    """The functions of the build in ``out``; BuildError when there is none or a zip is missing."""
    path = out / NAME
    try:
        data = json.loads(path.read_text())
    except OSError:
        raise BuildError(f"no build in {out} (no {NAME}); run `lambdaworks build` first") from None
    except ValueError as exc:
        raise BuildError(f"{path} is not valid JSON ({exc}); run `lambdaworks build` again") from None
    functions = {}
    for name, spec in data.get("functions", {}).items():
        zips = [out / spec["code"], *(out / layer for layer in spec["layers"])]
        for zip_path in zips:
            if not zip_path.is_file():
                raise BuildError(f"{zip_path} is missing; run `lambdaworks build` again")
        functions[name] = BuiltFunction(name, spec.get("python"), zips[0], tuple(zips[1:]))
    return functions
