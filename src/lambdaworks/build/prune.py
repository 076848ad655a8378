"""Slimming a pip-installed tree in place, before it is zipped.

Removed, and reported: the packages the Lambda runtime provides (boto3, botocore, s3transfer,
jmespath; kept with ``include_boto3``), console scripts (``bin/``), bytecode, ``tests``/``test``
and ``docs``/``doc`` folders inside packages, type stubs, and the install records of
``.dist-info`` (``RECORD``, ``INSTALLER``, ``REQUESTED``, ``direct_url.json``, ``WHEEL``; pruning makes
``RECORD`` wrong anyway), and the long description that ends ``METADATA`` (the package's README).
``METADATA``'s headers, ``entry_points.txt`` and licences stay: packages read them at run time.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lambdaworks.build.files import Excluded
from lambdaworks.build.requirements import RUNTIME_PROVIDED, canonical

TEST_DIRS = {"tests": "tests", "test": "tests", "docs": "docs", "doc": "docs"}
INSTALL_RECORDS = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json", "WHEEL"}


@dataclass
class Pruned:
    """What pruning left out, and the unzipped size of each distribution that stayed."""

    excluded: list[Excluded] = field(default_factory=list)
    packages: dict[str, int] = field(default_factory=dict)


def tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def distributions(root: Path) -> dict[str, tuple[Path, list[str]]]:
    """Installed distributions: canonical name -> (its .dist-info, the top-level paths its RECORD lists)."""
    found: dict[str, tuple[Path, list[str]]] = {}
    for info in sorted(root.glob("*.dist-info")):
        name = canonical(info.name[: -len(".dist-info")].rsplit("-", 1)[0])
        tops: set[str] = set()
        record = info / "RECORD"
        if record.is_file():
            with record.open(newline="") as f:
                for row in csv.reader(f):
                    if row and not row[0].startswith(".."):
                        tops.add(row[0].split("/", 1)[0])
        found[name] = (info, sorted(tops))
    return found


def prune(root: Path, *, include_boto3: bool = False, keep_bytecode: bool = False) -> Pruned:
    """Remove from ``root`` (a ``pip install --target`` tree) what Lambda never needs; what went and what stayed."""
    result = Pruned()
    dists = distributions(root)
    owner: dict[str, str] = {}
    for name, (info, tops) in dists.items():
        for top in tops:
            owner.setdefault(top, name)
        owner[info.name] = name
    if not include_boto3:
        for name in RUNTIME_PROVIDED:
            if name in dists:
                info, tops = dists.pop(name)
                size = sum(tree_size(root / top) for top in tops if (root / top).exists() and top != "bin")
                version = info.name[: -len(".dist-info")].rsplit("-", 1)[-1]
                result.excluded.append(Excluded(f"{name}=={version}", "the Lambda runtime provides it", size))
                for top in tops:
                    if top != "bin" and owner.get(top) == name:
                        remove(root / top)
                remove(info)
    if (root / "bin").is_dir():
        result.excluded.append(Excluded("bin/", "console scripts", tree_size(root / "bin")))
        remove(root / "bin")
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts)):
        if not path.exists() and not path.is_symlink():
            continue  # inside a folder removed already
        reason = reason_for(path, root, keep_bytecode)
        if reason:
            result.excluded.append(
                Excluded(path.relative_to(root).as_posix() + ("/" if path.is_dir() else ""), reason, tree_size(path))
            )
            remove(path)
    trimmed = sum(trim_metadata(path) for path in root.glob("*.dist-info/METADATA"))
    if trimmed:
        result.excluded.append(Excluded("*.dist-info/METADATA", "long descriptions (READMEs)", trimmed))
    sizes: dict[str, int] = defaultdict(int)
    for item in sorted(root.iterdir()):
        sizes[owner.get(item.name, item.name.removesuffix(".py"))] += tree_size(item)
    result.packages = dict(sizes)
    return result


def reason_for(path: Path, root: Path, keep_bytecode: bool) -> str | None:
    """Why ``path`` goes, or None when it stays."""
    depth = len(path.relative_to(root).parts)
    if path.is_dir():
        if path.name == "__pycache__" and not keep_bytecode:
            return "bytecode"
        if depth >= 2 and path.name in TEST_DIRS and not path.parent.name.endswith(".dist-info"):
            return TEST_DIRS[path.name]
        return None
    if path.suffix in (".pyc", ".pyo") and not keep_bytecode:
        return "bytecode"
    if path.suffix == ".pyi":
        return "type stubs"
    if path.parent.name.endswith(".dist-info") and path.name in INSTALL_RECORDS:
        return "install records"
    return None


def trim_metadata(path: Path) -> int:
    """Keep ``METADATA``'s headers (name, version, requirements), drop the README after them; bytes saved."""
    data = path.read_bytes()
    headers, blank, body = data.partition(b"\n\n")
    if not blank or not body.strip():
        return 0
    path.write_bytes(headers + b"\n")
    return len(data) - len(headers) - 1


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
