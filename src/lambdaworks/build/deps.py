"""Dependency trees: installed with pip for a target, pruned, and kept under a key of their inputs.

The key hashes the requirement text (includes expanded), the target's Python and architecture and
the options that change what is installed. A tree already in the cache is used as it is: no pip.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambdaworks.build import pip
from lambdaworks.build.compile import compile_tree
from lambdaworks.build.files import Excluded
from lambdaworks.build.prune import prune
from lambdaworks.build.requirements import Requirements
from lambdaworks.build.target import Target
from lambdaworks.build.zipper import Entry

#: Bumped when what a tree holds for the same inputs changes (new prune rules, say).
FORMAT = "1"


@dataclass(frozen=True)
class DepsOptions:
    include_boto3: bool = False
    source_builds: bool = False
    compile: bool = False


@dataclass(frozen=True)
class Tree:
    """An installed, pruned dependency tree in the cache."""

    key: str
    path: Path
    excluded: tuple[Excluded, ...]
    packages: dict[str, int]  # distribution -> unzipped bytes

    def entries(self, prefix: str) -> list[Entry]:
        """The tree's files as zip entries under ``prefix`` (``python/`` in a layer, nothing in a code package)."""
        found: list[Entry] = []
        for folder, _dirs, names in os.walk(self.path):
            for name in names:
                path = Path(folder, name)
                st = path.stat()
                relative = path.relative_to(self.path).as_posix()
                found.append(Entry(prefix + relative, path, st.st_size, bool(st.st_mode & stat.S_IXUSR)))
        return found


def key_of(requirements: Requirements, target: Target, options: DepsOptions) -> str:
    h = hashlib.sha256()
    for part in (FORMAT, requirements.text, target.python, target.arch, repr(options)):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


class DependencyCache:
    """Trees by key under ``root``; ``installs`` counts the pip installs this cache ran."""

    def __init__(self, root: Path, run: pip.Runner = pip.run_process) -> None:
        self.root = root
        self.run = run
        self.installs = 0

    def cached(self, key: str) -> Tree | None:
        """The tree for ``key`` (see :func:`key_of`) if an earlier build installed it."""
        final = self.root / key[:16]
        meta = final / "meta.json"
        return self.load(key, final, meta) if meta.is_file() else None

    def load(self, key: str, final: Path, meta: Path) -> Tree:
        data: dict[str, Any] = json.loads(meta.read_text())
        excluded = tuple(Excluded(**item) for item in data["excluded"])
        return Tree(key, final / "tree", excluded, data["packages"])

    def install(
        self,
        requirements: Requirements,
        target: Target,
        options: DepsOptions,
        key: str,
        on_line: Callable[[str], None] = lambda line: None,
    ) -> Tree:
        """Install the tree for ``key`` now (replacing any cached one), passing pip's lines to ``on_line``."""
        import tempfile  # only an install pays for this import

        final = self.root / key[:16]
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{key[:16]}.", dir=self.root))
        try:
            tree = staging / "tree"
            with tempfile.NamedTemporaryFile("w", suffix=".txt", dir=staging, delete=False) as f:
                f.write(requirements.text)
            self.installs += 1
            pip.install(
                Path(f.name),
                target,
                tree,
                cwd=requirements.source.parent,
                source_builds=options.source_builds,
                wheels=staging / "wheels",
                run=self.run,
                on_line=on_line,
            )
            tree.mkdir(exist_ok=True)
            pruned = prune(tree, include_boto3=options.include_boto3, keep_bytecode=options.compile)
            if options.compile:
                compile_tree(tree, target)
            meta = {"excluded": [vars(e) for e in pruned.excluded], "packages": pruned.packages}
            (staging / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True))
            shutil.rmtree(final, ignore_errors=True)
            os.replace(staging, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return self.load(key, final, final / "meta.json")
