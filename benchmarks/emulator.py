"""The local emulator under load: lambdaworks dev vs serverless-offline, gunicorn and uvicorn.

Run by hand (needs the ``bench`` extra and wrk; serverless-offline needs Node.js and npm)::

    .venv/bin/pip install -e '.[bench]' && sudo apt-get install wrk
    .venv/bin/python benchmarks/emulator.py --setup-peers     # once: npm serverless@3 + serverless-offline@13
    .venv/bin/python benchmarks/emulator.py [--duration 10] [--rounds 2]

The same hello-world JSON three ways (``benchmarks/apps``): a plain handler through ``lambdaworks
dev`` and through serverless-offline (python3.11, dummy credentials); a Flask app through
``lambdaworks dev`` and directly under gunicorn (2 workers); a Starlette app through
``lambdaworks dev`` and directly under uvicorn. wrk drives each on loopback for ``--duration``
seconds at concurrency 1 and 8, every server warmed first, contenders interleaved round by
round; cells are medians over rounds. Also measured: start-up (process start to first 200) and
edit-to-new-code (file saved to first response from the new code, with a client requesting
all the while and counting failures). Ratios are lambdaworks / peer for req/s (>1: we serve
more) and peer / lambdaworks for latency (>1: we answer sooner). Every server's output goes to
/dev/null; ``lambdaworks dev`` runs with ``FORCE_COLOR=1``, so its logs take the coloured path a
developer's terminal gets.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
APPS = ROOT / "apps"
PEERS = ROOT / ".peers"
SERVERLESS = PEERS / "node_modules" / "serverless" / "bin" / "serverless.js"
BIN = Path(sys.executable).parent
PEER_ENV = {
    "AWS_ACCESS_KEY_ID": "dummy",
    "AWS_SECRET_ACCESS_KEY": "dummy",
    "SLS_TELEMETRY_DISABLED": "1",
    "SLS_NOTIFICATIONS_MODE": "off",
    "SLS_DEPRECATION_DISABLE": "*",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Server:
    """One contender: how to start it, where it answers, which file to edit for a reload."""

    name: str
    path: str
    argv: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    edit: str | None = None  # a file in the app folder whose "hello" the reload test changes
    process: subprocess.Popen[bytes] | None = None
    startup: float = float("nan")

    def start(self, folder: Path) -> None:
        started = time.perf_counter()
        with tempfile.TemporaryFile() as errors:  # what it says if it exits (a port taken since it was picked)
            self.process = subprocess.Popen(
                self.argv,
                cwd=folder,
                env={**os.environ, **self.env},
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
            )
            deadline = started + 60
            while time.perf_counter() < deadline:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    if get(self.port, self.path)[0] == 200:
                        self.startup = time.perf_counter() - started
                        return
                if self.process.poll() is not None:
                    errors.seek(0)
                    said = errors.read().decode(errors="replace").strip().splitlines()[-1:]
                    raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.argv} {said}")
                time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer {self.path} within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def servers() -> list[tuple[Server, Server | None]]:
    """(lambdaworks, peer) pairs; a peer that is not installed is None."""

    def ours(name: str, path: str, edit: str) -> Server:
        port = free_port()
        argv = [sys.executable, "-m", "lambdaworks.cli", "dev", ".", "--port", str(port)]
        colour = {"FORCE_COLOR": "1"}  # logs as a developer's terminal gets them, though they go nowhere
        return Server(name, path, [*argv, "--invoke-port", str(free_port())], port, env=colour, edit=edit)

    pairs: list[tuple[Server, Server | None]] = []
    sls_port = free_port()
    sls = None
    if SERVERLESS.exists() and shutil.which("node"):
        argv = ["node", str(SERVERLESS), "offline", "--httpPort", str(sls_port), "--lambdaPort", str(free_port())]
        sls = Server("serverless-offline", "/hello", argv, sls_port, env=PEER_ENV, edit="handler.py")
    pairs.append((ours("lambdaworks plain", "/hello", "handler.py"), sls))
    port = free_port()
    gunicorn = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "flask_app:app"]
    pairs.append(
        (ours("lambdaworks flask", "/flask/hello", "flask_app.py"), Server("gunicorn", "/flask/hello", gunicorn, port))
    )
    port = free_port()
    uvicorn = [str(BIN / "uvicorn"), "--port", str(port), "--log-level", "warning", "starlette_app:app"]
    pairs.append(
        (
            ours("lambdaworks starlette", "/starlette/hello", "starlette_app.py"),
            Server("uvicorn", "/starlette/hello", uvicorn, port),
        )
    )
    return pairs


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if found is None:
        raise ValueError(f"wrk printed a latency this script does not read: {text!r}")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[found.group(2)]


def wrk(port: int, path: str, concurrency: int, duration: float) -> Load:
    argv = ["wrk", "-t1", f"-c{concurrency}", f"-d{round(duration)}s", "--latency", f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    if "Requests/sec" not in out or "50%" not in out:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        errors=errors,
    )


def edit_to_new_code(server: Server, folder: Path, limit: float = 5.0) -> tuple[float | None, int]:
    """Save a change to the app and time the first response from the new code, while a client
    keeps requesting; returns (seconds or None if it never changed within ``limit``, failed requests)."""
    assert server.edit is not None
    path = folder / server.edit
    original = path.read_text()
    marker = f"hello-{time.monotonic_ns()}"
    failures = 0
    seen: list[float] = []
    stop = threading.Event()

    def client() -> None:
        nonlocal failures
        while not stop.is_set():
            try:
                status, body = get(server.port, server.path, timeout=10)
            except (OSError, http.client.HTTPException):
                failures += 1
                continue
            if status != 200:
                failures += 1
            elif marker.encode() in body and not seen:
                seen.append(time.perf_counter())

    thread = threading.Thread(target=client)
    thread.start()
    time.sleep(0.3)
    saved = time.perf_counter()
    path.write_text(original.replace('"hello"', f'"{marker}"', 1))
    deadline = saved + limit
    while not seen and time.perf_counter() < deadline:
        time.sleep(0.005)
    time.sleep(0.2)
    stop.set()
    thread.join()
    path.write_text(original)
    return (seen[0] - saved if seen else None), failures


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs and ours == ours and theirs == theirs else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per cell (default 10)")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; cells are medians (default 1)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--only", nargs="+", metavar="APP", help="only these pairs: plain, flask, starlette")
    parser.add_argument("--setup-peers", action="store_true", help="npm install serverless@3 serverless-offline@13")
    args = parser.parse_args()
    if args.setup_peers:
        PEERS.mkdir(exist_ok=True)
        (PEERS / "package.json").write_text('{"private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "serverless@3", "serverless-offline@13"],
            cwd=PEERS,
            check=True,
        )
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk (or your platform's package)")
    root = Path(tempfile.mkdtemp(prefix="lambdaworks-bench-"))
    pairs = [pair for pair in servers() if not args.only or pair[0].name.split()[-1] in args.only]
    folders: dict[str, Path] = {}  # a copy of the apps each: an edit reloads only the server it times
    for pair in pairs:
        for server in pair:
            if server is not None:
                folders[server.name] = root / server.name.replace(" ", "-")
                shutil.copytree(APPS, folders[server.name])
    loads: dict[tuple[str, int], list[Load]] = {}
    reloads: dict[str, tuple[float | None, int]] = {}
    try:
        for ours, peer in pairs:  # one at a time, so start-up is measured on a quiet machine
            for server in (ours, peer):
                if server is not None:
                    server.start(folders[server.name])
                    print(f"started {server.name} in {server.startup * 1000:.0f} ms", file=sys.stderr)
        contenders = [s for pair in pairs for s in pair if s is not None]
        for server in contenders:  # warm: every environment the c=8 runs will need
            wrk(server.port, server.path, max(args.concurrency), 2)
        for round_ in range(args.rounds):
            for concurrency in args.concurrency:
                for server in contenders:
                    load = wrk(server.port, server.path, concurrency, args.duration)
                    loads.setdefault((server.name, concurrency), []).append(load)
                    print(f"round {round_ + 1} c={concurrency} {server.name}: {load}", file=sys.stderr)
        for server in contenders:
            if server.edit is not None and server.name not in ("gunicorn", "uvicorn"):
                reloads[server.name] = edit_to_new_code(server, folders[server.name])
    finally:
        for pair in pairs:
            for server in pair:
                if server is not None:
                    server.stop()
        shutil.rmtree(root, ignore_errors=True)
    report(pairs, loads, reloads, args)


def report(
    pairs: list[tuple[Server, Server | None]],
    loads: dict[tuple[str, int], list[Load]],
    reloads: dict[str, tuple[float | None, int]],
    args: argparse.Namespace,
) -> None:
    def cell(name: str, concurrency: int) -> Load:
        runs = loads[(name, concurrency)]
        return Load(
            rps=statistics.median(r.rps for r in runs),
            p50_ms=statistics.median(r.p50_ms for r in runs),
            p99_ms=statistics.median(r.p99_ms for r in runs),
            errors=sum(r.errors for r in runs),
        )

    print(f"\n{args.duration:g} s per cell, {args.rounds} round(s), medians; wrk -t1 on loopback\n")
    print("| server | c | req/s | p50 ms | p99 ms | errors | req/s ratio | p50 ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for ours, peer in pairs:
        for concurrency in args.concurrency:
            mine = cell(ours.name, concurrency)
            rows = [(ours.name, mine, "", "")]
            if peer is not None:
                theirs = cell(peer.name, concurrency)
                rows.append((peer.name, theirs, ratio(mine.rps, theirs.rps), ratio(theirs.p50_ms, mine.p50_ms)))
            for name, load, rps_ratio, p50_ratio in rows:
                print(
                    f"| {name} | {concurrency} | {load.rps:,.0f} | {load.p50_ms:.2f} | {load.p99_ms:.2f} | "
                    f"{load.errors} | {rps_ratio} | {p50_ratio} |"
                )
    print("\n| server | start-up to first 200 | edit to new code | failed requests while reloading |")
    print("|---|---|---|---|")
    for pair in pairs:
        for server in pair:
            if server is None:
                continue
            seconds, failures = reloads.get(server.name, (None, 0))
            if server.name in reloads:
                edit = f"{seconds * 1000:.0f} ms" if seconds is not None else "never (> 5 s)"
                failed = str(failures)
            else:
                edit, failed = "n/a (no reload in this mode)", "-"
            print(f"| {server.name} | {server.startup * 1000:.0f} ms | {edit} | {failed} |")
    missing = [ours.name for ours, peer in pairs if peer is None]
    if missing:
        print(f"\nno peer for {', '.join(missing)}: run with --setup-peers (needs Node.js and npm)")


if __name__ == "__main__":
    main()
