"""The repository stands alone: a fresh clone has nothing beside it, so nothing may read outside it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.conftest import EVENTS, ROOT

#: The folder the project's guidance lives in beside the clone, which a user's clone does not have.
OUTSIDE = "../" + "shared"  # spelled in two parts so this file does not match itself
CHECKED = ("src", "tests", "benchmarks", ".ci", "examples")


def repository_files(top: str) -> list[Path]:
    """The files under ``top`` a clone has (what git ignores, such as installed benchmark peers, is
    not the repository's), or every file when there is no git."""
    if shutil.which("git") and (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", top],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        return sorted(ROOT / name for name in listed.decode().split("\0") if name)
    return sorted((ROOT / top).rglob("*"))


def test_nothing_refers_to_a_folder_beside_the_clone() -> None:
    offenders = []
    for top in CHECKED:
        for path in repository_files(top):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".zip"):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if OUTSIDE in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_readme_does_not_send_users_beside_the_clone() -> None:
    assert OUTSIDE not in (ROOT / "README.md").read_text(encoding="utf-8")


def test_each_fixture_set_carries_its_licence_and_origin() -> None:
    readme = (EVENTS / "README.md").read_text(encoding="utf-8")
    sets = sorted(p.name for p in EVENTS.iterdir() if p.is_dir())
    assert sets == ["aws-lambda-go", "powertools"]
    for name in sets:
        assert (EVENTS / name / "LICENSE").is_file(), name
        assert f"`{name}/`" in readme, name
    assert "Apache License" in (EVENTS / "aws-lambda-go" / "LICENSE").read_text(encoding="utf-8")
    assert "MIT No Attribution" in (EVENTS / "powertools" / "LICENSE").read_text(encoding="utf-8")
    assert "commit fa1c29f" in readme
    assert "commit 815d21f" in readme


def test_fixtures_are_json_but_the_one_broken_on_purpose() -> None:
    broken = []
    for path in sorted(EVENTS.glob("*/*.json")):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            broken.append(path.relative_to(EVENTS).as_posix())
    assert broken == ["aws-lambda-go/dynamodb-event-malformed.2.json"]
