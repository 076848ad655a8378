"""Deterministic zips: sorted entries, 1980-01-01 timestamps, 0644/0755 modes, one compression level.

Two builds of the same files give byte-identical archives, so an archive's hash names its content.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

EPOCH = (1980, 1, 1, 0, 0, 0)
LEVEL = 9


@dataclass(frozen=True)
class Entry:
    """One file of an archive: its name inside (posix), where it is read from, its size and mode."""

    name: str
    path: Path
    size: int
    executable: bool = False


def write(archive: Path, entries: Iterable[Entry]) -> tuple[int, str]:
    """Write ``entries`` to ``archive`` (atomically, through a temporary file); its size and sha256."""
    tmp = archive.with_name(f".{archive.name}.tmp")
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as zf:
        for entry in sorted(entries, key=lambda e: e.name):
            info = zipfile.ZipInfo(entry.name, EPOCH)
            info.create_system = 3  # unix: the mode below is what Lambda extracts
            info.external_attr = (0o100755 if entry.executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = entry.size  # lets zipfile choose zip64 up front for a large file
            info._compresslevel = LEVEL  # type: ignore[attr-defined]  # ZipFile.open(info) reads only this
            with entry.path.open("rb") as src, zf.open(info, "w") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    digest = hashlib.sha256()
    with tmp.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    os.replace(tmp, archive)
    return archive.stat().st_size, digest.hexdigest()


def extract(archive: Path, into: Path) -> None:
    """Unpack ``archive`` into ``into`` as Lambda does, keeping the executable bit."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = Path(zf.extract(info, into))
            if not info.is_dir() and (info.external_attr >> 16) & 0o111:
                target.chmod(0o755)
