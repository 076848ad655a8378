"""The build's memory between runs (``.state.json`` in the output folder): file hashes and artifacts."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from lambdaworks.build.artifacts import Artifact
from lambdaworks.build.files import Excluded

FORMAT = 1


def artifact_from(data: dict[str, Any]) -> Artifact:
    data = dict(data, excluded=tuple(Excluded(**e) for e in data.get("excluded", ())), built=False)
    return Artifact(**data)


class State:
    """What the previous build hashed and wrote; rewritten only when it changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.text = ""
        data: dict[str, Any] = {}
        try:
            self.text = path.read_text()
            data = json.loads(self.text)
        except (OSError, ValueError):
            data = {}
        if data.get("format") != FORMAT:
            data = {}
        self.files: dict[str, list[Any]] = data.get("files", {})
        self.artifacts: dict[str, Artifact] = {n: artifact_from(a) for n, a in data.get("artifacts", {}).items()}

    def reusable(self, name: str, key: str, out: Path) -> Artifact | None:
        """The previous build's artifact ``name`` if it was made from ``key`` and its file is still there."""
        old = self.artifacts.get(name)
        if old is None or old.key != key:
            return None
        try:
            return old if (out / name).stat().st_size == old.size else None
        except OSError:
            return None

    def save(self, files: dict[str, list[Any]], artifacts: dict[str, Artifact]) -> None:
        stored = {name: {k: v for k, v in asdict(a).items() if k != "built"} for name, a in sorted(artifacts.items())}
        text = json.dumps({"format": FORMAT, "artifacts": stored, "files": dict(sorted(files.items()))}, indent=1)
        if text != self.text:
            write_text(self.path, text)
            self.text = text


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file, so a reader never sees half of it."""
    write_bytes(path, text.encode())


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
