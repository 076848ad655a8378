"""A real debug session through the Debug Adapter Protocol: attach to a function's debugpy, stop at
a breakpoint in its handler with the event in the frame's locals, stay paused past the function's
timeout, continue, and the answer still arrives (through the gateway, and through invoke --debug)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.local.conftest import PROJECT, LiveEmulator, free_port

ROOT = Path(__file__).resolve().parents[2]
HANDLER = PROJECT / "fns" / "fns.py"
BREAKPOINT = 33  # the first line of fns.echo
PAUSE = 6.0  # longer than Echo's Timeout: 5


class Dap:
    """A minimal Debug Adapter Protocol client over debugpy's socket."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(None)
        self.seq = 0
        self.messages: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\r\n\r\n" in buffer:
                head, _, rest = buffer.partition(b"\r\n\r\n")
                length = int(head.split(b":")[1])
                if len(rest) < length:
                    break
                self.messages.append(json.loads(rest[:length]))
                buffer = rest[length:]

    def send(self, command: str, **arguments: Any) -> int:
        self.seq += 1
        body = json.dumps({"seq": self.seq, "type": "request", "command": command, "arguments": arguments}).encode()
        self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return self.seq

    def wait(self, match: Callable[[dict[str, Any]], bool], timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if match(message):
                    return message
            time.sleep(0.02)
        raise TimeoutError(f"no such DAP message; seen: {[m.get('command') or m.get('event') for m in self.messages]}")

    def request(self, command: str, **arguments: Any) -> dict[str, Any]:
        seq = self.send(command, **arguments)
        response = self.wait(lambda m: m.get("type") == "response" and m.get("request_seq") == seq)
        assert response["success"], response
        return response

    def event(self, name: str, timeout: float = 30.0) -> dict[str, Any]:
        return self.wait(lambda m: m.get("type") == "event" and m.get("event") == name, timeout)

    def stop_at_breakpoint_and_continue(self) -> dict[str, Any]:
        """Attach, break in fns.echo, read the frame's locals, stay paused past the timeout, continue."""
        self.request(
            "initialize",
            clientID="lambdaworks-tests",
            adapterID="debugpy",
            pathFormat="path",
            linesStartAt1=True,
            columnsStartAt1=True,
        )
        attach = self.send("attach", justMyCode=False)
        self.event("initialized")
        answer = self.request("setBreakpoints", source={"path": str(HANDLER)}, breakpoints=[{"line": BREAKPOINT}])
        assert answer["body"]["breakpoints"][0]["verified"]
        self.request("configurationDone")
        self.wait(lambda m: m.get("type") == "response" and m.get("request_seq") == attach)
        stopped = self.event("stopped", timeout=60)
        thread = stopped["body"]["threadId"]
        frame = self.request("stackTrace", threadId=thread)["body"]["stackFrames"][0]
        assert (Path(frame["source"]["path"]).name, frame["line"]) == ("fns.py", BREAKPOINT)
        scopes = self.request("scopes", frameId=frame["id"])["body"]["scopes"]
        local = next(s for s in scopes if s["name"].lower().startswith("local"))
        variables = self.request("variables", variablesReference=local["variablesReference"])["body"]["variables"]
        found = {v["name"]: v for v in variables}
        time.sleep(PAUSE)  # paused at the breakpoint, past the function's timeout
        self.request("continue", threadId=thread)
        self.send("disconnect")
        time.sleep(0.2)
        self.sock.close()
        return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the emulator's process checks are Linux's")
def test_a_breakpoint_in_a_handler_holds_a_gateway_request_past_the_timeout() -> None:
    port = free_port()
    live = LiveEmulator(PROJECT, "--debug", "Echo", "--debug-port", str(port), "--wait-for-client")
    try:
        assert live.wait_for(f"debugger for Echo: attach to 127.0.0.1:{port}")
        launch = json.loads(live.wait_for("launch.json:").split("launch.json: ", 1)[1])
        assert launch["connect"] == {"host": "127.0.0.1", "port": port}
        answer: dict[str, Any] = {}

        def call() -> None:
            started = time.monotonic()
            with urllib.request.urlopen(f"{live.url}/v2/echo/debugged", timeout=120) as response:
                answer.update(status=response.status, body=json.loads(response.read()), took=time.monotonic() - started)

        caller = threading.Thread(target=call)
        caller.start()
        found = Dap(port).stop_at_breakpoint_and_continue()
        assert "event" in found
        assert "'rawPath': '/v2/echo/debugged'" in found["event"]["value"]
        caller.join(60)
        assert answer["status"] == 200  # not Task timed out, not a 504
        assert answer["took"] > PAUSE
    finally:
        live.stop()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the emulator's process checks are Linux's")
def test_invoke_debug_stops_at_the_breakpoint_and_answers() -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lambdaworks.cli",
            "invoke",
            "Echo",
            str(PROJECT),
            "--debug",
            "--debug-port",
            str(port),
            "--wait-for-client",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        found = Dap(port).stop_at_breakpoint_and_continue()
        assert found["event"]["value"] == "{}"
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert json.loads(out)["statusCode"] == 200
    assert f"debugger for Echo: attach to 127.0.0.1:{port}" in err


WITHOUT_DEBUG_EXTRA = """\
import sys
sys.modules["debugpy"] = None
sys.argv[0] = "lambdaworks"
from lambdaworks.cli.entry import run
run()
"""


def test_debug_without_the_extra_is_one_line_naming_it() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_DEBUG_EXTRA, "dev", str(PROJECT), "--debug", "Echo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: --debug needs the debug extra (debugpy not installed): pip install 'lambdaworks[debug]'"
    )


def test_debug_of_a_function_the_project_lacks_names_the_ones_it_has() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lambdaworks.cli", "dev", str(PROJECT), "--debug", "Nope"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Invalid value for --debug: no function 'Nope'; the project has BrokenInit, " in result.stderr
    assert "Traceback" not in result.stderr


def test_the_runtime_never_imports_the_debugger() -> None:
    """runtime/ ships inside functions: only a debugged environment's own entry (local/debuggee) imports it."""
    probe = "import sys, lambdaworks.runtime.bootstrap; print(sorted(m for m in sys.modules if 'debug' in m))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
