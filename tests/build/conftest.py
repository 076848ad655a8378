"""Build tests: small projects written to temp folders and built by the real command, with real pip."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: {runtime}
    Architectures: [{arch}]
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.work
"""

APP = """\
import six


def handler(event, context):
    return {"statusCode": 200, "body": six.text_type("ok")}


def work(event, context):
    return "done"
"""


def write_project(
    root: Path,
    requirements: str | None = "six==1.16.0\n",
    runtime: str = "python3.12",
    arch: str = "x86_64",
    files: dict[str, str] | None = None,
) -> Path:
    """A SAM project: two functions sharing ``src/``, with ``requirements`` and any extra ``files``."""
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "template.yaml").write_text(TEMPLATE.format(runtime=runtime, arch=arch))
    (root / "src" / "app.py").write_text(APP)
    if requirements is not None:
        (root / "src" / "requirements.txt").write_text(requirements)
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def build(
    root: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``lambdaworks build ROOT ARGS`` as a user runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "lambdaworks.cli", "build", str(root), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def out_dir(root: Path) -> Path:
    return root / ".lambdaworks" / "build"


def manifest(root: Path) -> dict[str, Any]:
    return json.loads((out_dir(root) / "manifest.json").read_text())


def names(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as zf:
        return zf.namelist()


def artifact(root: Path, function: str, which: str = "code") -> Path:
    spec = manifest(root)["functions"][function]
    return out_dir(root) / (spec["code"] if which == "code" else spec["layers"][-1])


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``folder``: its mtime and content hash."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An installed-dependencies cache shared by the tests that do not count pip runs."""
    return {"LAMBDAWORKS_CACHE_DIR": str(tmp_path_factory.mktemp("deps-cache"))}


@pytest.fixture
def pip_spy(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose pip logs each call before running the real one, and the log."""
    log = tmp_path / "pip-calls.log"
    spy = tmp_path / "pip-spy"
    spy.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {sys.executable} -m pip "$@"\n')
    spy.chmod(0o755)
    return {"LAMBDAWORKS_PIP": str(spy)}, log
