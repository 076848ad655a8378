"""A real debug session through the Debug Adapter Protocol: attach to a function's debugpy, stop at
a breakpoint in its handler with the event in the frame's locals, stay paused past the function's
timeout, continue, and the answer still arrives (through the gateway, and through invoke --debug).

The same with PyCharm's debugger (``--debugger pycharm``): the test plays PyCharm's "Python Debug
Server" side of pydevd's own line protocol, and the real pydevd-pycharm runs in the environment.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lambdaworks.local.debugging import DebugPlan
from lambdaworks.local.variables import debugger_path
from lambdaworks.project import load_project
from tests.local.conftest import PROJECT, LiveEmulator, free_port, until

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


class PyCharmServer:
    """PyCharm's "Python Debug Server" side of pydevd's line protocol: each message is one line,
    ``command<TAB>sequence<TAB>text``, with pydevd's text URL-quoted (pydevd's ``pydevd_comm.py``).
    The commands used are those PyCharm sends: its version (breakpoints by id), a line breakpoint,
    run; then, once stopped, the frame's variables, and resume the thread."""

    VERSION, RUN, SET_BREAK, THREAD_SUSPEND, THREAD_RUN, GET_FRAME = 501, 101, 111, 105, 106, 114

    def __init__(self, port: int) -> None:
        self.listener = socket.create_server(("127.0.0.1", port))
        self.listener.settimeout(60)
        self.messages: list[tuple[int, int, str]] = []
        self.sock: socket.socket | None = None

    def accept(self) -> None:
        self.sock, _ = self.listener.accept()
        self.sock.settimeout(None)
        threading.Thread(target=self._read, args=(self.sock,), daemon=True).start()

    def _read(self, sock: socket.socket) -> None:
        buffer = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                command, sequence, text = line.decode().split("\t", 2)
                self.messages.append((int(command), int(sequence), urllib.parse.unquote(text)))

    def send(self, command: int, sequence: int, *fields: object) -> None:
        assert self.sock is not None
        self.sock.sendall(f"{command}\t{sequence}\t{chr(9).join(map(str, fields))}\n".encode())

    def wait(self, command: int, sequence: int | None = None, timeout: float = 60.0) -> str:
        return until(
            lambda: next(
                (t for c, s, t in list(self.messages) if c == command and sequence in (None, s)),
                None,
            ),
            timeout,
        )

    def stop_at_breakpoint_and_continue(self) -> dict[str, str]:
        """Accept the environment, break in fns.echo, read the frame's locals, stay paused past the
        timeout, resume; the locals' values, by name."""
        self.accept()
        self.send(self.VERSION, 1, "1.1", "UNIX", "ID")
        self.wait(self.VERSION, 1)
        # id, type, file, line, function, condition, expression, hit condition, log point, suspend policy
        self.send(
            self.SET_BREAK, 3, 1, "python-line", HANDLER, BREAKPOINT, "None", "None", "None", "None", False, "NONE"
        )
        self.send(self.RUN, 5, "")
        suspended = ElementTree.fromstring(self.wait(self.THREAD_SUSPEND))
        thread = suspended.find("thread")
        assert thread is not None
        frame = thread.find("frame")
        assert frame is not None
        assert (Path(frame.get("file", "")).name, frame.get("line")) == ("fns.py", str(BREAKPOINT))
        self.send(self.GET_FRAME, 7, thread.get("id"), frame.get("id"), "FRAME", 0)
        variables = ElementTree.fromstring(self.wait(self.GET_FRAME, 7))
        found = {var.get("name", ""): urllib.parse.unquote(var.get("value", "")) for var in variables.iter("var")}
        time.sleep(PAUSE)  # paused at the breakpoint, past the function's timeout
        self.send(self.THREAD_RUN, 9, thread.get("id"))
        return found

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.listener.close()


def request_in_background(url: str) -> tuple[threading.Thread, dict[str, Any]]:
    """GET ``url`` on a thread; the dict gets the answer's status and body, and how long it took."""
    answer: dict[str, Any] = {}

    def call() -> None:
        started = time.monotonic()
        with urllib.request.urlopen(url, timeout=120) as response:
            answer.update(status=response.status, body=json.loads(response.read()), took=time.monotonic() - started)

    caller = threading.Thread(target=call)
    caller.start()
    return caller, answer


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the emulator's process checks are Linux's")
def test_pycharm_stops_at_a_breakpoint_once_its_debug_server_starts() -> None:
    port = free_port()  # PyCharm's debug server is not started yet: the environment waits for it
    server: PyCharmServer | None = None
    live = LiveEmulator(PROJECT, "--debug", "Echo", "--debugger", "pycharm", "--debug-port", str(port))
    try:
        assert live.wait_for(
            f"debugger for Echo: its environment connects to PyCharm's Python Debug Server on 127.0.0.1:{port}"
        )
        caller, answer = request_in_background(f"{live.url}/v2/echo/debugged")
        assert live.wait_for(f"waiting for PyCharm's Python Debug Server on 127.0.0.1:{port}")
        server = PyCharmServer(port)
        found = server.stop_at_breakpoint_and_continue()
        assert "'rawPath': '/v2/echo/debugged'" in found["event"]
        caller.join(60)
        assert answer["status"] == 200  # not Task timed out, not a 504
        assert answer["took"] > PAUSE
        assert "Could not connect" not in "\n".join(live.lines)  # pydevd's refused attempts stay out of the log
    finally:
        live.stop()
        if server is not None:
            server.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the emulator's process checks are Linux's")
def test_a_breakpoint_in_a_handler_holds_a_gateway_request_past_the_timeout() -> None:
    port = free_port()
    live = LiveEmulator(PROJECT, "--debug", "Echo", "--debug-port", str(port), "--wait-for-client")
    try:
        assert live.wait_for(f"debugger for Echo: attach to 127.0.0.1:{port}")
        launch = json.loads(live.wait_for("launch.json:").split("launch.json: ", 1)[1])
        assert launch["connect"] == {"host": "127.0.0.1", "port": port}
        caller, answer = request_in_background(f"{live.url}/v2/echo/debugged")
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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the emulator's process checks are Linux's")
def test_invoke_debug_with_pycharm_stops_at_the_breakpoint_and_answers() -> None:
    port = free_port()
    server = PyCharmServer(port)  # started first, as PyCharm's docs have it
    command = ["invoke", "Echo", str(PROJECT), "--debug", "--debugger", "pycharm", "--debug-port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "lambdaworks.cli", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        found = server.stop_at_breakpoint_and_continue()
        assert found["event"] == "{}"
        out, err = process.communicate(timeout=60)
    finally:
        server.close()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert json.loads(out)["statusCode"] == 200
    assert f"connects to PyCharm's Python Debug Server on 127.0.0.1:{port}" in err
    assert "waiting for PyCharm" not in err  # the server was there


def test_pycharm_plan_names_the_server_and_its_path_mappings_and_the_reattach() -> None:
    project = load_project(PROJECT)
    plan = DebugPlan.of(["Echo"], project, 7000, debugger="pycharm")
    debugged = plan.apply(project).functions["Echo"]
    assert debugged.environment["LAMBDAWORKS_DEBUGGER"] == "pycharm"
    assert debugged.reserved_concurrency == 1
    source = PROJECT / "fns"
    built = dataclasses.replace(
        project, functions={"Echo": dataclasses.replace(debugged, code_uri=Path("/build/Echo"))}
    )
    lines = plan.describe(built, {"Echo": source})
    assert lines == [
        "debugger for Echo: its environment connects to PyCharm's Python Debug Server on 127.0.0.1:7000 and "
        "waits for it; limits lifted, one environment",
        f"  PyCharm path mappings: {source}=/build/Echo",
    ]
    assert "PyCharm's debug server on 127.0.0.1:7000 again" in plan.reattach("Echo")
    assert plan.reattach("Echo") != DebugPlan.of(["Echo"], project, 7000).reattach("Echo")


WITHOUT = """\
import sys
sys.modules[sys.argv.pop(1)] = None  # as if it were not installed
sys.argv[0] = "lambdaworks"
from lambdaworks.cli.entry import run
run()
"""


@pytest.mark.parametrize(
    ("module", "flags", "message"),
    [
        (
            "debugpy",
            [],
            "--debug needs the debug extra (debugpy not installed): pip install 'lambdaworks[debug]'",
        ),
        (
            "pydevd_pycharm",
            ["--debugger", "pycharm"],
            "--debugger pycharm needs PyCharm's debugger package, of your PyCharm's version: "
            "pip install 'pydevd-pycharm~=<PyCharm version>' (PyCharm's Python Debug Server configuration shows it)",
        ),
    ],
)
def test_a_debugger_not_installed_is_one_line_naming_its_package(module: str, flags: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT, module, "dev", str(PROJECT), "--debug", "Echo", *flags],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"Error: {message}"


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


@pytest.mark.parametrize(("debugger", "module"), [("debugpy", "debugpy"), ("pycharm", "pydevd_pycharm.py")])
def test_a_built_function_finds_its_debugger_on_the_path_it_is_given(debugger: str, module: str) -> None:
    """A function run from its build (``--from-build``) does not ship the debugger: its folder is added."""
    project = load_project(PROJECT)
    debugged = DebugPlan.of(["Echo"], project, debugger=debugger).apply(project).functions["Echo"]
    assert (Path(debugger_path(debugged)) / module).exists()
