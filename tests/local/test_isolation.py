"""A function sees Lambda's environment, not the developer's shell; other processes cannot read its
secrets; it dies with the emulator; nothing in a shared temporary folder is trusted."""

from __future__ import annotations

import base64
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.local.conftest import LiveEmulator

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "tests" / "apps" / "isolation_project"
PLANTED = {
    "GITHUB_TOKEN": "ghp_planted",
    "OPENAI_API_KEY": "sk-planted",
    "DATABASE_URL": "postgres://planted",
    "KUBECONFIG": "/planted/kube",
    "SSH_AUTH_SOCK": "/planted/agent",
    "AWS_ACCESS_KEY_ID": "AKIAPLANTED",
    "AWS_SECRET_ACCESS_KEY": "planted-secret",
    "LC_TIME": "C",
}


def inspect(*flags: str) -> tuple[dict[str, Any], str]:
    result = subprocess.run(
        [sys.executable, "-m", "lambdaworks.cli", "invoke", "Inspect", str(PROJECT), *flags],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **PLANTED},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_a_function_sees_lambdas_variables_not_the_shells() -> None:
    seen, _ = inspect()
    variables = set(seen["variables"])
    assert not variables & {"GITHUB_TOKEN", "OPENAI_API_KEY", "DATABASE_URL", "KUBECONFIG", "SSH_AUTH_SOCK"}
    assert not variables & {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "HOME"}
    assert {"AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "LAMBDA_TASK_ROOT", "DECLARED", "PATH", "LC_TIME"} <= variables


def test_pass_env_and_pass_aws_credentials_let_chosen_variables_through() -> None:
    seen, _ = inspect("--pass-env", "DATABASE_URL", "--pass-aws-credentials")
    variables = set(seen["variables"])
    assert {"DATABASE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} <= variables
    assert "GITHUB_TOKEN" not in variables


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_an_environment_is_not_dumpable_and_dies_with_its_parent() -> None:
    seen, _ = inspect()
    assert seen["dumpable"] == 0  # /proc/<pid>/environ and its memory: not readable by other processes
    assert seen["death_signal"] == signal.SIGKILL


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_environments_die_with_an_emulator_killed_with_kill_9() -> None:
    live = LiveEmulator(PROJECT)
    try:
        assert "functions get from this shell: " in "\n".join(live.lines)
        response = live.lambda_client().invoke(FunctionName="Inspect", Payload=b"{}")
        pid = json.loads(response["Payload"].read())["pid"]
        os.kill(live.process.pid, signal.SIGKILL)
        live.process.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.05)
        assert not Path(f"/proc/{pid}").exists()
    finally:
        live.stop()


def test_a_client_context_that_is_not_a_json_object_is_refused_before_invoking() -> None:
    """AWS answers 400 InvalidRequestContentException (recorded on AWS)."""
    live = LiveEmulator(PROJECT)
    try:
        client = live.lambda_client()
        for context in ("not base64!", base64.b64encode(b"[1, 2]").decode(), base64.b64encode(b"{").decode()):
            with pytest.raises(ClientError) as caught:
                client.invoke(FunctionName="Inspect", Payload=b"{}", ClientContext=context)
            error = caught.value.response["Error"]
            assert error["Code"] == "InvalidRequestContentException"
            assert error["Message"] == "Client context must be a valid Base64-encoded JSON object."
        good = base64.b64encode(json.dumps({"custom": {"a": 1}}).encode()).decode()
        assert client.invoke(FunctionName="Inspect", Payload=b"{}", ClientContext=good)["StatusCode"] == 200
    finally:
        live.stop()


def test_binding_every_interface_is_said_at_start_up() -> None:
    live = LiveEmulator(PROJECT, "--host", "0.0.0.0")
    try:
        assert live.wait_for("warning: listening on 0.0.0.0: anyone who can reach this machine")
    finally:
        live.stop()


def test_link_folders_live_in_a_private_folder_this_process_made() -> None:
    from lambdaworks.local.packaged import bootstrap_path, private_folder

    folder = private_folder()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert folder.stat().st_uid == os.getuid()
    assert Path(bootstrap_path()).parent == folder


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_CHILD_SUBREAPER is Linux's")
def test_a_daemon_a_function_leaves_behind_ends_with_the_emulator() -> None:
    live = LiveEmulator(ROOT / "tests" / "apps" / "forking_project")
    try:
        response = live.lambda_client().invoke(FunctionName="Forker", Payload=b"{}")
        daemon = json.loads(response["Payload"].read())["daemon"]
        assert Path(f"/proc/{daemon}").exists()
    finally:
        assert live.stop() == 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and Path(f"/proc/{daemon}").exists():
        time.sleep(0.05)
    assert not Path(f"/proc/{daemon}").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_CHILD_SUBREAPER is Linux's")
def test_a_restarted_emulator_ends_what_a_killed_one_left_running(tmp_path: Path) -> None:
    """kill -9 leaves a function's daemon to init; the next ``dev`` on the same state ends it."""
    project, state = ROOT / "tests" / "apps" / "forking_project", tmp_path / "state"
    live = LiveEmulator(project, state_dir=state)
    try:
        response = live.lambda_client().invoke(FunctionName="Forker", Payload=b"{}")
        daemon = json.loads(response["Payload"].read())["daemon"]
        record = state / "processes" / f"{live.process.pid}.json"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and str(daemon) not in json.loads(record.read_text())["processes"]:
            time.sleep(0.05)
        os.kill(live.process.pid, signal.SIGKILL)
        live.process.wait(10)
    finally:
        live.stop()
    time.sleep(0.2)
    assert Path(f"/proc/{daemon}").exists()  # nothing ended it: init has it now
    again = LiveEmulator(project, state_dir=state)
    try:
        assert again.wait_for("processes left running by an emulator that was killed")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and Path(f"/proc/{daemon}").exists():
            time.sleep(0.05)
        assert not Path(f"/proc/{daemon}").exists()
    finally:
        assert again.stop() == 0
    assert not record.exists()  # a clean stop removes the record


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_a_running_emulators_processes_are_not_ended_by_a_second_one(tmp_path: Path) -> None:
    project, state = ROOT / "tests" / "apps" / "forking_project", tmp_path / "state"
    first = LiveEmulator(project, state_dir=state)
    try:
        daemon = json.loads(first.lambda_client().invoke(FunctionName="Forker", Payload=b"{}")["Payload"].read())
        time.sleep(0.7)  # the record has been written
        second = LiveEmulator(project, state_dir=state)
        second.stop()
        assert not any("left running" in line for line in second.lines)
        assert Path(f"/proc/{daemon['daemon']}").exists()
    finally:
        first.stop()
