"""Hot reload against a live emulator: new code on the next request, no failed request meanwhile."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from tests.local.conftest import PROJECT, LiveEmulator, free_port


def copy_of_project(tmp_path: Path) -> Path:
    """The test project in a folder of its own, free to edit."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    return project


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize("polling", [False, True], ids=["watchfiles", "polling"])
def test_code_and_template_changes_are_picked_up_without_failed_requests(tmp_path: Path, polling: bool) -> None:
    project = copy_of_project(tmp_path)
    live = LiveEmulator(project, *(["--poll"] if polling else []))
    failures: list[tuple[int, bytes]] = []
    stop = threading.Event()

    def hammer() -> None:  # requests keep flowing through every reload
        while not stop.is_set():
            status, body = get(live.port, "/v2/echo/load")
            if status != 200:
                failures.append((status, body))

    try:
        status, body = get(live.port, "/v2/echo/before")
        assert status == 200
        assert json.loads(body)["greeting"] == "hi"
        load = threading.Thread(target=hammer)
        load.start()

        source = project / "fns" / "fns.py"
        source.write_text(source.read_text().replace('"greeting": os.environ.get("GREETING")', '"greeting": "edited"'))
        started = time.monotonic()
        while json.loads(get(live.port, "/v2/echo/after")[1])["greeting"] != "edited":
            assert time.monotonic() - started < 5, "the code change was not picked up"
            time.sleep(0.01)
        live.wait_for("[Echo] code changed: environments retired")

        template = project / "template.yaml"
        template.write_text(template.read_text().replace('Path: "/v2/echo/{name}"', 'Path: "/v3/echo/{name}"'))
        started = time.monotonic()
        while get(live.port, "/v3/echo/x")[0] != 200:
            assert time.monotonic() - started < 5, "the template change was not picked up"
            time.sleep(0.01)
        live.wait_for("[lambdaworks] template reloaded")
        stop.set()
        load.join()
        # the old route is gone, though the gateway had routed this very path many times (and /v3's
        # 404 above, routed before the reload, did not stay either)
        assert get(live.port, "/v2/echo/load")[0] == 404
    finally:
        stop.set()
        live.stop()
    # requests to the route the template removed are expected to 404 once it is gone
    assert [f for f in failures if f[0] != 404] == []


def test_no_reload_flag_keeps_the_code(tmp_path: Path) -> None:
    project = copy_of_project(tmp_path)
    live = LiveEmulator(project, "--no-reload")
    try:
        assert json.loads(get(live.port, "/v2/echo/a")[1])["greeting"] == "hi"
        source = project / "fns" / "fns.py"
        source.write_text(source.read_text().replace('"greeting": os.environ.get("GREETING")', '"greeting": "edited"'))
        time.sleep(0.5)
        assert json.loads(get(live.port, "/v2/echo/a")[1])["greeting"] == "hi"
    finally:
        live.stop()


def test_env_vars_file_overrides_the_template_and_reloads_when_saved(tmp_path: Path) -> None:
    project = copy_of_project(tmp_path)
    env = project / "env.json"
    env.write_text(json.dumps({"Parameters": {"GREETING": "from parameters"}}))
    live = LiveEmulator(project, "--env-vars", str(env))
    lambda_api = live.lambda_client()

    def sleepy_pid() -> int:
        return int(json.loads(lambda_api.invoke(FunctionName="Sleepy", Payload=b"{}")["Payload"].read())["pid"])

    try:
        live.wait_for("env.json sets GREETING for")  # every function but Echo, which declares it
        first = json.loads(get(live.port, "/v2/echo/x")[1])
        assert first["greeting"] == "from parameters"
        sleepy = sleepy_pid()

        env.write_text(json.dumps({"Parameters": {"GREETING": "from parameters"}, "Echo": {"GREETING": "echo's own"}}))
        started = time.monotonic()
        while (now := json.loads(get(live.port, "/v2/echo/x")[1]))["greeting"] != "echo's own":
            assert time.monotonic() - started < 5, "the env-vars change was not picked up"
            time.sleep(0.01)
        assert now["pid"] != first["pid"]  # Echo's definition changed: a fresh environment
        live.wait_for("[Echo] definition changed")
        assert sleepy_pid() == sleepy  # Sleepy's did not: its warm environment is kept

        mark = len(live.lines)
        env.write_text('{"Echo": ')
        live.wait_for("not reloaded, keeping the previous one", after=mark)
        assert "is not JSON" in live.lines[-1]
        assert json.loads(get(live.port, "/v2/echo/x")[1])["greeting"] == "echo's own"
    finally:
        live.stop()


def test_dev_takes_ports_overrides_and_env_vars_from_samconfig(tmp_path: Path) -> None:
    project = copy_of_project(tmp_path)
    (project / "env.json").write_text(json.dumps({"Echo": {"GREETING": "from samconfig's env.json"}}))
    api_port, invoke_port = free_port(), free_port()
    (project / "samconfig.toml").write_text(
        f'version = 0.1\n[default.global.parameters]\nenv_vars = "env.json"\n'
        f"[default.local_start_api.parameters]\nport = {api_port}\n"
        f"[default.local_start_lambda.parameters]\nport = {invoke_port}\n"
    )
    live = LiveEmulator(project, ports=(api_port, invoke_port))
    try:
        live.wait_for(f"API Gateway on http://127.0.0.1:{api_port}")
        assert json.loads(get(api_port, "/v2/echo/x")[1])["greeting"] == "from samconfig's env.json"
        sleepy = json.loads(live.lambda_client().invoke(FunctionName="Sleepy", Payload=b"{}")["Payload"].read())
        assert "pid" in sleepy
    finally:
        live.stop()
