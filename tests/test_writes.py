"""``build`` and ``dev`` write nothing but the declared output and the project's ``.lambdaworks/``:
not into the code, the home folder or the temporary folder (each environment's ``/tmp`` and the
private link folders go when they do). What pip writes is pip's and is kept apart here: its
download cache, and rustup's settings (pip asks ``rustc --version`` for its user agent, and a
rustup shim answers by writing ``$RUSTUP_HOME``)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from tests.build.conftest import write_project
from tests.local.conftest import free_port


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` but ``.lambdaworks/``: a file's content hash, or "dir"."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] == ".lambdaworks":
            continue
        found[str(relative)] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def serve_once(project: Path, env: dict[str, str], *flags: str) -> list[str]:
    """``dev``: one request through the gateway and one asynchronous invoke, then Ctrl-C."""
    port, invoke_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lambdaworks.cli",
            "dev",
            str(project),
            "--port",
            str(port),
            "--invoke-port",
            str(invoke_port),
            "--url-port",
            "0",
            *flags,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not any("Ready." in line for line in lines):
            assert time.monotonic() < deadline, "".join(lines)
            assert process.poll() is None, "".join(lines)
            time.sleep(0.05)
        request = urllib.request.Request(
            f"http://127.0.0.1:{invoke_port}/2015-03-31/functions/WorkerFunction/invocations",
            data=json.dumps({"n": 1}).encode(),
            headers={"X-Amz-Invocation-Type": "Event"},
        )
        assert urllib.request.urlopen(request, timeout=30).status == 202
        request = urllib.request.Request(
            f"http://127.0.0.1:{invoke_port}/2015-03-31/functions/ApiFunction/invocations", data=b"{}"
        )
        assert json.loads(urllib.request.urlopen(request, timeout=30).read())["statusCode"] == 200
        while not any("END RequestId" in line and "WorkerFunction" in line for line in lines):
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.05)
    finally:
        os.kill(process.pid, signal.SIGINT)
        process.wait(20)
        reader.join(5)
        process.stdout.close()
    assert process.returncode == 0, "".join(lines)
    return lines


def test_build_and_dev_write_only_their_output_and_state(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project")
    home, temporary, pip_cache = tmp_path / "home", tmp_path / "tmp", tmp_path / "pip-cache"
    for folder in (home, temporary):
        folder.mkdir()
    (home / ".profile").write_text("# the user's\n")
    env = {
        **os.environ,
        "HOME": str(home),
        "TMPDIR": str(temporary),
        "PIP_CACHE_DIR": str(pip_cache),
        "RUSTUP_HOME": str(pip_cache / "rustup"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode is written, and must land in .lambdaworks/
    before = {folder: snapshot(folder) for folder in (project, home, temporary)}

    build = subprocess.run(
        [sys.executable, "-m", "lambdaworks.cli", "build", str(project)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    serve_once(project, env)
    serve_once(project, env, "--from-build")

    for folder in (project, home, temporary):
        assert snapshot(folder) == before[folder], folder
    assert (project / ".lambdaworks" / "build" / "manifest.json").is_file()
    assert (project / ".lambdaworks" / "state.db").is_file()
    kept_aside = project / ".lambdaworks" / "cache" / "pycache"
    assert list(kept_aside.rglob("app.*.pyc"))  # the function's bytecode, kept aside
    # and only the function's: the standard library keeps its own, compiled where it is installed
    assert not list(kept_aside.rglob("json"))
    assert not list(kept_aside.rglob("socket.*.pyc"))
