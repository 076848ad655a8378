"""CPU time per request: what each process of a server spends on one request under load.

Run by hand (needs the ``bench`` extra and wrk, Linux: it reads ``/proc``)::

    .venv/bin/python benchmarks/cpu_per_request.py [--rounds 4] [--against REV]

Req/s on this 2-core machine moves by a third between runs; CPU per request moves much less, and
it is what decides req/s at c=8, where every process shares the same two cores. wrk drives each
server at c=8 for ``--duration`` seconds (after 2 s of warm-up); the user and system CPU of its
processes over that time, from ``/proc/PID/stat``, divided by the requests served. For
``lambdaworks dev`` the gateway (the ``dev`` process) and the execution environments (its
children) are counted apart; gunicorn (2 workers) runs the same Flask app directly, as the yardstick
of what the app itself costs, and ``relay_floor.py``'s ``flask+aws x8`` (a front doing AWS's work and
eight workers, nothing else) as the floor under ``dev``. ``--against REV`` also runs ``dev`` from git
revision REV (a temporary worktree), interleaved round by round, to measure a change. Cells are
medians over rounds.
The system part of each (in brackets) is the kernel's: sockets, pipes, wake-ups.
"Machine idle" is the share of both cores' time (``/proc/stat``) no process used while wrk ran:
CPU a server leaves unused although eight requests are waiting.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from lambdaworks.local.processes import children

ROOT = Path(__file__).resolve().parents[1]
APPS = Path(__file__).resolve().parent / "apps"
BIN = Path(sys.executable).parent
PORT = 3997


def cpu(pid: int) -> tuple[float, float]:
    """(user, system) seconds of ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def machine_ticks() -> tuple[int, int]:
    """(busy, idle) clock ticks of the whole machine so far, from ``/proc/stat``."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, idle


def wrk(path: str, seconds: float) -> int:
    argv = ["wrk", "-t1", "-c8", f"-d{round(seconds)}s", f"http://127.0.0.1:{PORT}{path}"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+) requests in", out)
    return int(match.group(1)) if match else 0


def measure(argv: list[str], path: str, folder: Path, duration: float, env: dict[str, str]) -> dict[str, float]:
    """Start the server, load it, and return µs of CPU per request per group of processes."""
    server = subprocess.Popen(
        argv,
        cwd=folder,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"{' '.join(argv)} did not answer") from None
                time.sleep(0.05)
        wrk(path, 2)  # warm: every environment started, every cache filled
        groups = {"server": [server.pid], "children": children(server.pid)}
        before = {name: [cpu(pid) for pid in pids] for name, pids in groups.items()}
        busy, idle = machine_ticks()
        served = wrk(path, duration)
        busy_after, idle_after = machine_ticks()
        after = {name: [cpu(pid) for pid in pids] for name, pids in groups.items()}
        idle_ticks = idle_after - idle
        result = {"req/s": served / duration, "idle": 100 * idle_ticks / max(idle_ticks + busy_after - busy, 1)}
        for name in groups:
            pairs = list(zip(after[name], before[name], strict=True))
            system = sum(a[1] - b[1] for a, b in pairs)
            result[name] = (sum(a[0] - b[0] for a, b in pairs) + system) / max(served, 1) * 1e6
            result[f"{name} system"] = system / max(served, 1) * 1e6
        return result
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--against", metavar="REV", help="also run dev from this git revision")
    args = parser.parse_args()
    with socket.socket() as probe:  # a server left on the port would be measured in place of ours
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            sys.exit(f"port {PORT} is in use: stop what listens there (a `lambdaworks dev` left running?)")
    folder = Path(tempfile.mkdtemp(prefix="lambdaworks-cpu-")) / "apps"
    shutil.copytree(APPS, folder)
    dev = [sys.executable, "-m", "lambdaworks.cli", "dev", ".", "--port", str(PORT), "--invoke-port", "0"]
    dev += ["--no-reload"]
    colour = {"FORCE_COLOR": "1"}
    setups: list[tuple[str, list[str], str, dict[str, str]]] = []
    worktree = None
    if args.against:
        worktree = Path(tempfile.mkdtemp(prefix="lambdaworks-against-")) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "-f", str(worktree), args.against], check=True)
        old = {**colour, "PYTHONPATH": str(worktree / "src")}
        setups += [(f"dev @ {args.against}, plain", dev, "/hello", old)]
        setups += [(f"dev @ {args.against}, flask", dev, "/flask/hello", old)]
    setups += [("dev, plain", dev, "/hello", colour), ("dev, flask", dev, "/flask/hello", colour)]
    gunicorn = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT}", "flask_app:app"]
    setups += [("gunicorn 2 workers, flask", gunicorn, "/flask/hello", {})]
    floor = [sys.executable, str(ROOT / "benchmarks" / "relay_floor.py"), "--front", str(PORT), "flask+aws", "8"]
    setups += [("relay floor (flask+aws x8)", floor, "/flask/hello", {})]
    cells: dict[str, list[dict[str, float]]] = {name: [] for name, *_ in setups}
    try:
        for _ in range(args.rounds):
            for name, argv, path, env in setups:
                cells[name].append(measure(argv, path, folder, args.duration, env))
                print(f"{name}: {cells[name][-1]}", file=sys.stderr)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
        if worktree is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False)
    print(f"\nc=8, {args.duration:g} s per cell, {args.rounds} rounds, medians; µs of CPU (user + system) a request\n")
    print("| setup | req/s | gateway / server (system) | environments / workers (system) | total | machine idle |")
    print("|---|---|---|---|---|---|")
    keys = ("req/s", "server", "server system", "children", "children system", "idle")
    for name, runs in cells.items():
        rps, own, own_sys, kids, kids_sys, idle = (statistics.median(run[key] for run in runs) for key in keys)
        print(
            f"| {name} | {rps:,.0f} | {own:.0f} ({own_sys:.0f}) | {kids:.0f} ({kids_sys:.0f}) "
            f"| {own + kids:.0f} | {idle:.0f}% |"
        )


if __name__ == "__main__":
    main()
