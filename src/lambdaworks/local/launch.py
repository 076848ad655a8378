"""Starting an execution environment's process: the Runtime API's listening sockets, the command,
its variables, its private ``/tmp``, the pipe its output goes to.

No asyncio and none of the emulator's HTTP machinery here: ``lambdaworks dev`` starts its first
environment with this before it imports the rest of itself, so that the function's init runs on
the other core while the emulator gets ready (:mod:`.headstart`). The sockets listen before the
process starts, so it may connect before anyone serves them: the kernel queues the connection.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lambdaworks.local.debugging import is_debugged
from lambdaworks.local.scheduling import group_options, lower_priority
from lambdaworks.local.sockets import bind, bind_unix
from lambdaworks.local.variables import DEFAULT_HOST, HostVariables, process_environment
from lambdaworks.project.model import Function
from lambdaworks.runtime.bootstrap import SOCKET_VARIABLE
from lambdaworks.runtime.context import new_request_id
from lambdaworks.runtime.readonly import VARIABLE as READ_ONLY_VARIABLE

#: The emulator's environment variable that turns the fast lane off (``0``).
LANE_VARIABLE = "LAMBDAWORKS_FAST_LANE"


def lane_enabled() -> bool:
    return os.environ.get(LANE_VARIABLE, "1") != "0"


@dataclass
class RuntimeSockets:
    """Where one environment's process reaches its Runtime API: HTTP on a loopback port for every
    client, and the fast lane's Unix socket for our bootstrap (None where there is none)."""

    http: socket.socket
    lane: socket.socket | None = None
    lane_address: str | None = None

    @property
    def port(self) -> int:
        return int(self.http.getsockname()[1])

    @classmethod
    def open(cls, lane: bool | None = None) -> RuntimeSockets:
        """Listening now; the lane on Linux's abstract namespace (nothing on disk), elsewhere a file in
        a private temporary folder (removed by :meth:`remove_lane_folder`); ``lane``: default
        :func:`lane_enabled`."""
        sockets = cls(bind("127.0.0.1", 0))
        if not (lane_enabled() if lane is None else lane) or not hasattr(socket, "AF_UNIX"):
            return sockets
        name = f"lambdaworks-{os.getpid()}-{new_request_id()}"
        if sys.platform.startswith("linux"):
            address = "@" + name
        else:
            address = str(Path(tempfile.mkdtemp(prefix="lambdaworks-")) / "runtime.sock")
        sockets.lane_address = address
        try:
            sockets.lane = bind_unix(address)
        except OSError:  # a path too long for the platform, say: HTTP alone still serves every client
            sockets.remove_lane_folder()
            sockets.lane_address = None
        return sockets

    def close(self) -> None:
        """Close what is not served yet (a process that failed to start)."""
        self.http.close()
        if self.lane is not None:
            self.lane.close()
        self.remove_lane_folder()

    def remove_lane_folder(self) -> None:
        if self.lane_address is not None and not self.lane_address.startswith("@"):
            shutil.rmtree(Path(self.lane_address).parent, ignore_errors=True)


@dataclass
class Launched:
    """An environment's process, started, and what goes with it until an Environment adopts it."""

    function: str
    process: subprocess.Popen[bytes]
    output: int  # the read end of the pipe its stdout and stderr go to
    sockets: RuntimeSockets
    tmp: str  # its TMPDIR
    started: float  # time.perf_counter() just before it started: where Init Duration counts from
    adopted: bool = False  # an Environment has it (and ends it)

    def abandon(self) -> None:
        """End it, unless an Environment adopted it (the emulator failed to start, say)."""
        if self.adopted:
            return
        self.adopted = True  # once
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # its children too
            self.process.kill()
            self.process.wait()
        _release(self.output, self.sockets, self.tmp)


def _release(output: int, sockets: RuntimeSockets, tmp: str) -> None:
    """Close what an environment's process leaves behind: its output pipe, its sockets, its /tmp."""
    os.close(output)
    sockets.close()
    shutil.rmtree(tmp, ignore_errors=True)


def command(function: Function) -> list[str]:
    """What an environment runs: a ``provided`` runtime's ``bootstrap``, else our Python bootstrap
    (a debugged one starts debugpy first, :mod:`.debuggee`)."""
    if function.is_provided:
        return [str(function.code_uri / "bootstrap")]
    isolated = ["-S"] if function.packaged else []  # no site-packages: only what the package ships
    entry = "lambdaworks.local.debuggee" if is_debugged(function) else "lambdaworks.runtime.bootstrap"
    return [sys.executable, *isolated, "-m", entry]


def launch(function: Function, host: HostVariables = DEFAULT_HOST, lane: bool | None = None) -> Launched:
    """Start ``function``'s environment process (its init runs from now); ``OSError`` if it cannot start."""
    sockets = RuntimeSockets.open(lane)
    env = process_environment(function, f"127.0.0.1:{sockets.port}", host)
    env.pop(SOCKET_VARIABLE, None)  # never one inherited from the emulator's own environment
    if sockets.lane_address is not None:
        env[SOCKET_VARIABLE] = sockets.lane_address
    # its own /tmp (a private folder, removed with the environment), and its code read-only
    tmp = env["TMPDIR"] = tempfile.mkdtemp(prefix=f"lambdaworks-{function.name}-tmp-")
    if not function.is_provided:
        env[READ_ONLY_VARIABLE] = os.pathsep.join(str(p) for p in (function.code_uri, *function.layers))
    read, write = os.pipe()  # ours, not asyncio's: drained at once when a result arrives
    started = time.perf_counter()
    try:
        process = subprocess.Popen(
            command(function),
            cwd=str(function.code_uri),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=write,
            stderr=write,
            **group_options(),  # see local/scheduling.py
        )
        lower_priority(process.pid)
    except BaseException:
        _release(read, sockets, tmp)
        raise
    finally:
        os.close(write)
    return Launched(function.name, process, read, sockets, tmp, started)
