"""A code folder's dependencies: ``requirements.txt`` (with its ``-r``/``-c`` includes) or ``pyproject.toml``.

The text is read whole, includes expanded in place, so its hash changes when any file it pulls in
does. ``lambdaworks`` itself is taken out (the build vends its runtime, which is not on PyPI under
this name) and a pinned boto3 is noted, since the runtime's own boto3 wins unless it is packaged.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lambdaworks.build.errors import BuildError
from lambdaworks.build.files import BUILD_INPUT
from lambdaworks.project.tomlfile import tomllib

#: What the Lambda Python runtime already has: left out of packages unless ``--include-boto3``.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")

INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)")
NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def canonical(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirements:
    """What to install for one code folder: the text handed to pip and where it came from."""

    source: Path  # requirements.txt or pyproject.toml
    text: str  # includes expanded, lambdaworks removed; what pip installs and the cache hashes
    wants_lambdaworks: bool  # the file asked for lambdaworks (its runtime is vended instead)
    pinned_boto3: tuple[str, ...] = ()  # lines pinning a runtime-provided package

    @property
    def empty(self) -> bool:
        return not any(line.strip() and not line.lstrip().startswith("#") for line in self.text.splitlines())


def find(code_dir: Path) -> Requirements | None:
    """The requirements of ``code_dir``: its ``requirements.txt``, else ``[project].dependencies``, else None."""
    txt = code_dir / "requirements.txt"
    toml = code_dir / "pyproject.toml"
    for candidate in (txt, toml):
        sys.audit(BUILD_INPUT, candidate)  # which one exists decides
    if txt.is_file():
        return parse(txt, expand(txt, set()))
    if toml.is_file():
        try:
            project = tomllib.loads(toml.read_text()).get("project") or {}
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BuildError(f"{toml}: not valid TOML ({exc})") from None
        deps = project.get("dependencies") or []
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise BuildError(f"{toml}: [project].dependencies is not a list of strings")
        return parse(toml, [*deps])
    return None


def expand(path: Path, seen: set[Path]) -> list[str]:
    """The lines of a requirements file with ``-r``/``-c`` includes replaced by their own lines."""
    path = path.resolve()
    if path in seen:
        return []
    seen.add(path)
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError(f"cannot read {path}: {exc}") from None
    lines: list[str] = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        include = INCLUDE.match(line)
        if include:
            target = path.parent / include.group(2)
            if include.group(1) in ("-c", "--constraint"):
                lines.append(f"-c {target.resolve()}")  # pip reads constraints itself; hashed below
                lines.append(f"# {target.name}: " + " ".join(expand(target, seen)))
            else:
                lines += expand(target, seen)
            continue
        lines.append(line)
    return lines


def parse(source: Path, lines: list[str]) -> Requirements:
    """Keep every line for pip except ``lambdaworks``; note pins of runtime-provided packages."""
    kept: list[str] = []
    wants = False
    pinned: list[str] = []
    for line in lines:
        match = NAME.match(line) if not line.startswith(("-", "#")) else None
        name = canonical(match.group(1)) if match else ""
        if name == "lambdaworks":
            wants = True
            continue
        if name in RUNTIME_PROVIDED and match and re.search(r"[=<>~!]", match.group(3).split(";", 1)[0]):
            pinned.append(line)
        kept.append(line)
    return Requirements(source, "\n".join(kept) + "\n" if kept else "", wants, tuple(pinned))
