"""A function's code folder and layers are read-only, as /var/task and /opt are on Lambda, and each
environment has its own temporary folder, as /tmp (the function's ephemeral storage) is the place
a Lambda function can write (the Lambda developer guide, execution environment and storage pages)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

APP = """\
import os
import tempfile


def handler(event, context):
    scratch = os.path.join(tempfile.gettempdir(), "scratch.txt")
    with open(scratch, "w") as file:
        file.write("ok")
    result = {"tmp": tempfile.gettempdir(), "tmp_written": os.path.exists(scratch)}
    if event.get("write_code"):
        with open(os.path.join(os.path.dirname(__file__), "instance.db"), "w") as file:
            file.write("no")
    return result
"""


def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "template.yaml").write_text(
        "Resources:\n  Writer:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: .}\n"
    )
    (root / "app.py").write_text(APP)
    return root


def invoke(root: Path, event: dict[str, object]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lambdaworks.cli", "invoke", "Writer", str(root), "-e", "-"],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_writing_into_the_code_folder_fails_as_on_lambda(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = invoke(root, {"write_code": True})
    assert result.returncode == 1
    error = json.loads(result.stdout)
    assert error["errorType"] == "OSError"
    assert error["errorMessage"] == f"[Errno 30] Read-only file system: '{root / 'instance.db'}'"
    assert "read-only on Lambda (/var/task, /opt): write under /tmp" in result.stderr  # said where it failed
    assert not (root / "instance.db").exists()


def test_each_environment_has_its_own_tmp_removed_with_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = invoke(root, {})
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["tmp_written"] is True
    assert Path(answer["tmp"]).name.startswith("lambdaworks-Writer-tmp-")
    assert answer["tmp"] != "/tmp"
    assert not os.path.exists(answer["tmp"])  # gone with the environment
