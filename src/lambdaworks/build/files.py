"""What goes into a code package: a folder walked with the exclusion rules, and each file's hash.

Excluded by default, and reported: bytecode, version-control and tool folders, virtualenvs, the
state and build folders, ``.env*``, ``.aws/``, key and certificate files, any file holding a
private key, and the patterns of ``.lambdaignore`` (gitignore syntax). Hashes are kept per file by
size and mtime, so an unchanged tree is fingerprinted without reading a byte.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambdaworks.build.zipper import Entry
from lambdaworks.project import layout

IGNORE_FILE = ".lambdaignore"
#: Audit event naming a file whose stat (or absence) the build relied on without reading it; the
#: CLI's no-op fast path listens for it (:mod:`lambdaworks.build.uptodate`).
BUILD_INPUT = "lambdaworks.build.input"

#: Folder names never shipped, with the reason reported.
SKIP_DIRS = {
    "__pycache__": "bytecode",
    ".git": "version control",
    ".hg": "version control",
    ".svn": "version control",
    ".aws": "credentials",
    ".ssh": "credentials",
    ".docker": "credentials",
    ".kube": "credentials",
    ".gnupg": "key store",
    ".terraform": "terraform state",
    layout.FOLDER: "lambdaworks state",
    ".aws-sam": "SAM build output",
    ".venv": "virtualenv",
    ".mypy_cache": "tool cache",
    ".pytest_cache": "tool cache",
    ".ruff_cache": "tool cache",
    ".hypothesis": "tool cache",
    ".tox": "tool cache",
    ".nox": "tool cache",
    ".idea": "editor settings",
    ".vscode": "editor settings",
    "node_modules": "node packages",
    "tests": "tests",
    "test": "tests",
    "htmlcov": "coverage data",
}

#: File-name patterns never shipped, with the reason reported.
SKIP_FILES = (
    ("*.pyc", "bytecode"),
    ("*.pyo", "bytecode"),
    (".env", "secrets (.env)"),
    (".env.*", "secrets (.env)"),
    ("*.pem", "key or certificate"),
    ("*.key", "key or certificate"),
    ("*.p12", "key or certificate"),
    ("*.pfx", "key or certificate"),
    ("id_rsa*", "SSH key"),
    ("id_dsa*", "SSH key"),
    ("id_ecdsa*", "SSH key"),
    ("id_ed25519*", "SSH key"),
    (".netrc", "credentials"),
    (".pypirc", "credentials"),
    (".npmrc", "credentials"),
    (".git-credentials", "credentials"),
    ("*credentials*.csv", "credentials"),
    ("secrets.json", "secrets"),
    ("secrets.y*ml", "secrets"),
    ("*.tfstate", "terraform state"),
    ("*.tfstate.*", "terraform state"),
    ("*.jks", "key store"),
    ("*.keystore", "key store"),
    ("secring.*", "key store"),
    ("*.ppk", "PuTTY key"),
    ("*_history", "shell history"),
    (".*_history", "shell history"),
    ("*.sqlite", "local database"),
    ("*.sqlite3", "local database"),
    ("*.db", "local database"),
    (".coverage", "coverage data"),
    (".coverage.*", "coverage data"),
    ("core", "core dump"),
    ("core.[0-9]*", "core dump"),
    (".DS_Store", "editor litter"),
    (IGNORE_FILE, "build settings"),
)

#: A private key's armour (PEM, OpenSSH, PGP's "PRIVATE KEY BLOCK"), wherever it hides.
PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
#: Credentials that look like themselves in a shipped file (AWS key ids, common tokens): named as
#: warnings by the build, an error with ``--strict``. The file still ships: a pattern can be wrong.
SECRETS = (
    ("an AWS access key id", re.compile(rb"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(rb"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b")),
    ("a Slack token", re.compile(rb"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("an OpenAI key", re.compile(rb"\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}")),
    ("a Google API key", re.compile(rb"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a Stripe secret key", re.compile(rb"\b[rs]k_live_[0-9A-Za-z]{24,}")),
)
IMPORTS_LAMBDAWORKS = re.compile(rb"^[ \t]*(?:from|import)[ \t]+lambdaworks\b", re.MULTILINE)


@dataclass(frozen=True)
class Excluded:
    """A path left out of an artifact and why."""

    path: str
    reason: str
    size: int = 0


@dataclass(frozen=True)
class Hashed:
    """A file of a code package: its zip entry and its content hash."""

    entry: Entry
    digest: str


class Ignore:
    """``.lambdaignore`` patterns of a code folder (gitignore syntax, through pathspec)."""

    def __init__(self, *files: Path) -> None:
        self.specs: list[tuple[Path, Any]] = []
        for file in files:
            sys.audit(BUILD_INPUT, file)  # its absence counts too
            if file.is_file():
                import pathspec

                spec = pathspec.GitIgnoreSpec.from_lines(file.read_text().splitlines())
                self.specs.append((file.parent, spec))

    def applying(self, path: Path, is_dir: bool) -> Iterator[tuple[Any, str]]:
        """Each spec whose folder holds ``path``, with the path as that spec sees it."""
        for base, spec in self.specs:
            try:
                relative = path.relative_to(base).as_posix()
            except ValueError:
                continue
            yield spec, relative + "/" if is_dir else relative

    def brings_back(self, path: Path, is_dir: bool) -> bool:
        """A negated pattern (``!tests/``) names the path: ship it though the defaults leave it out."""
        return any(spec.check_file(relative).include is False for spec, relative in self.applying(path, is_dir))

    def matches(self, path: Path, is_dir: bool) -> bool:
        return any(spec.match_file(relative) for spec, relative in self.applying(path, is_dir))


def skip_reason(name: str) -> str | None:
    for pattern, reason in SKIP_FILES:
        if fnmatch.fnmatchcase(name, pattern):
            return reason
    return None


class Collector:
    """Walks code folders; ``cache`` maps a file's path to ``[size, mtime_ns, digest, imports]`` from earlier builds.

    ``importers`` gathers the modules that import ``lambdaworks`` (the build vends its runtime for them).
    """

    def __init__(self, skip: set[Path], cache: Mapping[str, list[Any]] | None = None) -> None:
        self.skip = {p.resolve() for p in skip}
        self.old = dict(cache or {})
        self.cache: dict[str, list[Any]] = {}
        self.read = 0  # files whose content was hashed (not found in the cache)
        self.importers: set[Path] = set()
        self.secrets: dict[Path, list[str]] = {}  # shipped files that hold what looks like a credential

    def collect(self, root: Path, prefix: str, ignore: Ignore) -> tuple[list[Hashed], list[Excluded]]:
        """Every shipped file under ``root`` (named ``prefix`` + relative path) and what was left out."""
        files: list[Hashed] = []
        excluded: list[Excluded] = []
        for path, st, skipped in self.walk(root, ignore):
            relative = path.relative_to(root).as_posix()
            reason = skipped if skipped else None if self.digest(path, st) else "private key"
            if reason is None:
                executable = bool(st.st_mode & stat.S_IXUSR)
                files.append(Hashed(Entry(prefix + relative, path, st.st_size, executable), self.cache[str(path)][2]))
            elif stat.S_ISDIR(st.st_mode):
                excluded.append(Excluded(relative + "/", reason))  # not walked: a skipped .venv costs nothing
            else:
                excluded.append(Excluded(relative, reason, st.st_size))
        return files, excluded

    def collect_file(self, path: Path, name: str) -> list[Hashed]:
        """One file, named ``name``, with its hash."""
        st = path.stat()
        digest = self.digest(path, st)
        return [Hashed(Entry(name, path, st.st_size, bool(st.st_mode & stat.S_IXUSR)), digest)] if digest else []

    def walk(
        self, folder: Path, ignore: Ignore, root: Path | None = None, seen: frozenset[Path] = frozenset()
    ) -> Iterator[tuple[Path, os.stat_result, str | None]]:
        """Files under ``folder`` with None, or a left-out file or folder with its reason.

        A link is followed only to a place inside the code folder (``root``); one that leaves it is
        left out, and a link back to a folder being walked (a loop) is not walked again."""
        root = root or folder.resolve()
        seen = seen | {folder.resolve()}
        with os.scandir(folder) as it:
            children = sorted(it, key=lambda e: e.name)
        for child in children:
            path = Path(child.path)
            try:
                st = child.stat()  # a link is followed: what it points to is what ships
            except OSError:
                yield path, child.stat(follow_symlinks=False), "broken link"
                continue
            if child.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    yield path, child.stat(follow_symlinks=False), "link out of the code folder"
                    continue
                if target in seen:
                    yield path, child.stat(follow_symlinks=False), "link loop"
                    continue
            if stat.S_ISDIR(st.st_mode):
                reason = self.dir_reason(child.name, path, ignore)
                if reason:
                    yield path, st, reason
                else:
                    yield from self.walk(path, ignore, root, seen)
            elif stat.S_ISREG(st.st_mode):
                reason = skip_reason(child.name)
                if reason and ignore.brings_back(path, False):
                    reason = None
                yield path, st, reason or (IGNORE_FILE if ignore.matches(path, False) else None)

    def dir_reason(self, name: str, path: Path, ignore: Ignore) -> str | None:
        """Why a folder is left out (None: walk it)."""
        reason = SKIP_DIRS.get(name)
        if reason is not None and ignore.brings_back(path, True):
            reason = None
        if reason is None and path.resolve() in self.skip:
            reason = "build output"
        elif reason is None and (path / "pyvenv.cfg").is_file():
            reason = "virtualenv"
        elif reason is None and ignore.matches(path, True):
            reason = IGNORE_FILE
        return reason

    def digest(self, path: Path, st: os.stat_result) -> str | None:
        """The file's sha256 (from the cache when size and mtime match), or None when it holds a private key."""
        key = str(path)
        sys.audit(BUILD_INPUT, key)
        cached = self.old.get(key)
        if cached and len(cached) == 5 and cached[0] == st.st_size and cached[1] == st.st_mtime_ns:
            entry = cached
        else:
            self.read += 1
            data = path.read_bytes()
            digest = "" if PRIVATE_KEY.search(data) else hashlib.sha256(data).hexdigest()
            imports = path.suffix == ".py" and IMPORTS_LAMBDAWORKS.search(data) is not None
            found = [kind for kind, pattern in SECRETS if pattern.search(data)]
            entry = [st.st_size, st.st_mtime_ns, digest, imports, found]
        self.cache[key] = entry
        if entry[3]:
            self.importers.add(path)
        if entry[4] and entry[2]:
            self.secrets[path] = list(entry[4])
        return str(entry[2]) or None


def fingerprint(files: list[Hashed], *extra: str) -> str:
    """One hash for a set of files (names, modes, contents) and any settings that shape the artifact."""
    h = hashlib.sha256()
    for part in extra:
        h.update(part.encode() + b"\0")
    for item in sorted(files, key=lambda f: f.entry.name):
        h.update(f"{item.entry.name}\0{int(item.entry.executable)}\0{item.digest}\n".encode())
    return h.hexdigest()
