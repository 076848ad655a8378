"""Python work per request, counted: bytecode instructions each process executes for one request.

Run by hand (needs the ``bench`` extra; Linux)::

    .venv/bin/python benchmarks/opcodes.py [--requests 500] [--top 15] [--against REV]

Timings on a noisy machine move by a third between runs; the number of bytecode instructions a
request makes Python execute moves by a few per cent at most (what runs by the clock, the memory
watcher and the log's flush, is shared out over however many requests came meanwhile), so it shows
what a change to the hot path saves, and where the work is, without the noise.

Every process that serves is traced from its start (``sys.settrace`` with opcode events):
``lambdaworks dev`` (the gateway, its environments apart, the handlers wrapped so that each
environment traces itself from init) and gunicorn with one worker running the same Flask app, the
yardstick of what serving the app directly takes. Each gets ``--requests`` sequential requests on
one connection after 200 to warm up (gunicorn's sync worker closes each connection, so there each
request has its own). Tracing makes everything ~20x slower; the counts are what matter. What the
counts leave out: C code (JSON, llhttp, uvloop, the kernel). ``--against REV`` also counts ``dev``
from git revision REV (a temporary worktree).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from lambdaworks.local.processes import children

ROOT = Path(__file__).resolve().parents[1]
APPS = Path(__file__).resolve().parent / "apps"
BIN = Path(sys.executable).parent
SNAPSHOT, DUMP = signal.SIGURG, signal.SIGPWR  # signals nothing here uses (gunicorn's workers reset others)

#: Imported first by every traced process: counts opcodes per code object, snapshots on SNAPSHOT and
#: writes the counts since the snapshot to DUMPS/<pid>.json on DUMP (a path written in: functions
#: do not get the shell's variables).
TRACER = """
import collections, json, os, signal, sys

DUMPS = {dumps!r}
COUNTS = collections.Counter()
SNAP = {}


def _tracer(frame, event, arg):
    frame.f_trace_opcodes = True
    frame.f_trace_lines = False
    code = frame.f_code
    where = code.co_filename.split("site-packages/")[-1].split("src/")[-1]
    key = "%s:%s %s" % (where, code.co_firstlineno, code.co_name)

    def local(frame, event, arg):
        if event == "opcode":
            COUNTS[key] += 1
        return local

    return local


def _snapshot(*_):
    SNAP.clear()
    SNAP.update(dict(COUNTS))


def _dump(*_):
    since = {key: count - SNAP.get(key, 0) for key, count in list(COUNTS.items()) if count > SNAP.get(key, 0)}
    path = os.path.join(DUMPS, "%d.json" % os.getpid())
    with open(path + ".part", "w") as out:
        json.dump(since, out)
    os.replace(path + ".part", path)  # whole, or not there yet


signal.signal(signal.SNAPSHOT, _snapshot)
signal.signal(signal.DUMP, _dump)
sys.settrace(_tracer)
""".replace("SNAPSHOT", SNAPSHOT.name).replace("DUMP", DUMP.name)

#: What the traced processes run: the emulator's CLI and gunicorn, from the tracer on.
MAIN = (
    "import _opcount, runpy, sys; sys.argv = [{name!r}, *sys.argv[1:]]; runpy.run_module({name!r}, run_name='__main__')"
)


def prepare(folder: Path, dumps: Path) -> None:
    """The apps, with the tracer and handlers that import it before the app (template pointed at them)."""
    shutil.copytree(APPS, folder)
    (folder / "_opcount.py").write_text(TRACER.replace("{dumps!r}", repr(str(dumps))))
    (folder / "traced_flask.py").write_text("import _opcount  # noqa: F401\nfrom flask_app import handler\n")
    (folder / "traced_plain.py").write_text("import _opcount  # noqa: F401\nfrom handler import lambda_handler\n")
    (folder / "traced_starlette.py").write_text("import _opcount  # noqa: F401\nfrom starlette_app import handler\n")
    template = (folder / "template.yaml").read_text()
    for handler in ("flask_app.handler", "handler.lambda_handler", "starlette_app.handler"):  # every one: all get DUMP
        traced = (
            "traced_plain.lambda_handler"
            if handler.startswith("handler.")
            else f"traced_{handler.split('_')[0]}.handler"
        )
        template = template.replace(f"Handler: {handler}", f"Handler: {traced}")
    (folder / "template.yaml").write_text(template)


def requests(port: int, path: str, count: int, keep_alive: bool) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(count):
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        if not keep_alive:
            connection.close()


def count(
    argv: list[str], folder: Path, port: int, paths: list[str], total: int, keep_alive: bool, env: dict[str, str]
) -> dict[str, Counter[str]]:
    """Opcodes per request to ``paths[0]``, per code object, of the server process (``"server"``) and
    its children; every path is asked for first, so that no init runs while the counts are taken."""
    path = paths[0]
    dumps = folder.parent / "dumps"
    shutil.rmtree(dumps, ignore_errors=True)
    dumps.mkdir()
    server = subprocess.Popen(
        argv, cwd=folder, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                requests(port, path, 1, keep_alive)
                break
            except (OSError, http.client.HTTPException):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"{' '.join(argv)} did not answer") from None
                time.sleep(0.1)
        for warm in paths:
            requests(port, warm, 1, keep_alive)
        requests(port, path, 200, keep_alive)
        kids = children(server.pid)
        for pid in (server.pid, *kids):
            os.kill(pid, SNAPSHOT)
        time.sleep(0.5)
        requests(port, path, total, keep_alive)
        time.sleep(0.5)
        for pid in (server.pid, *kids):
            os.kill(pid, DUMP)
        deadline = time.monotonic() + 30
        while len(list(dumps.glob("*.json"))) < 1 + len(kids) and time.monotonic() < deadline:
            time.sleep(0.1)
        found: dict[str, Counter[str]] = {"server": Counter(), "children": Counter()}
        for pid in (server.pid, *kids):
            dump = dumps / f"{pid}.json"
            if dump.exists():  # an environment of another function, not traced, writes nothing
                found["server" if pid == server.pid else "children"].update(json.loads(dump.read_text()))
        return found
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=12, help="the heaviest code objects of each process to list")
    parser.add_argument("--against", metavar="REV", help="also count dev from this git revision")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lambdaworks-opcodes-")) / "apps"
    prepare(folder, folder.parent / "dumps")
    port = 3994
    dev = [sys.executable, "-c", MAIN.format(name="lambdaworks.cli"), "dev", ".", "--port", str(port)]
    dev += ["--invoke-port", "0", "--no-reload"]
    gunicorn = [
        sys.executable,
        "-c",
        MAIN.format(name="gunicorn"),
        "-w",
        "1",
        "-b",
        f"127.0.0.1:{port}",
        "flask_app:app",
    ]
    routes = ["/hello", "/flask/hello", "/starlette/hello"]
    ours = ("gateway", "environment")
    setups: list[tuple[str, list[str], list[str], bool, tuple[str, str], dict[str, str]]] = []
    worktree = None
    if args.against:  # its gateway and, through PYTHONPATH, its bootstrap and adapter
        worktree = Path(tempfile.mkdtemp(prefix="lambdaworks-against-")) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "-f", str(worktree), args.against], check=True)
        old = {"PYTHONPATH": str(worktree / "src")}
        setups += [(f"dev @ {args.against}, plain", dev, routes, True, ours, old)]
        setups += [(f"dev @ {args.against}, flask", dev, routes[1:] + routes[:1], True, ours, old)]
    setups += [
        ("dev, plain", dev, routes, True, ours, {}),
        ("dev, flask", dev, routes[1:] + routes[:1], True, ours, {}),
        ("gunicorn 1 worker, flask", gunicorn, ["/flask/hello"], False, ("master", "worker"), {}),
    ]
    rows = []
    try:
        for name, argv, paths, keep_alive, roles, env in setups:
            found = count(argv, folder, port, paths, args.requests, keep_alive, env)
            own, kids = (sum(found[key].values()) / args.requests for key in ("server", "children"))
            rows.append((name, own, kids))
            print(f"\n{name}: {own:,.0f} + {kids:,.0f} opcodes a request", file=sys.stderr)
            for key, role in zip(("server", "children"), roles, strict=True):
                for code, opcodes in found[key].most_common(args.top):
                    print(f"  {role:11} {opcodes / args.requests:7.1f}  {code}", file=sys.stderr)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
        if worktree is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False)
    yardstick = rows[-1][1] + rows[-1][2]
    print(f"\n{args.requests} sequential requests after 200 to warm up; bytecode instructions a request\n")
    print("| setup | gateway / server process | environment / worker | total | total / gunicorn's |")
    print("|---|---|---|---|---|")
    for name, own, kids in rows:
        print(f"| {name} | {own:,.0f} | {kids:,.0f} | {own + kids:,.0f} | {(own + kids) / yardstick:.2f}x |")


if __name__ == "__main__":
    main()
