"""The floor under the emulator's two hops: wrk -> a uvloop + llhttp front -> a length-prefixed frame
on a Unix socket -> a worker process -> a frame back -> the HTTP answer. No event, no validation, no
logs, no limits: what two processes cost by themselves. Run by hand (needs the ``bench`` extra, wrk)::

    .venv/bin/python benchmarks/relay_floor.py [--duration 4]

The worker answers a fixed JSON body (``plain``) or calls the benchmark's Flask app through WSGI
with a ready environ (``flask``); compare its p50 with ``benchmarks/emulator.py``'s.

With ``+aws`` the same relay also does the work AWS's behaviour asks of every request, and
nothing else: the front builds the HTTP API event with lambdaworks' own ``wire`` module and encodes
it, the worker decodes it and calls the real handler (``benchmarks/apps``: the plain handler, or the
Flask app behind lambdaworks' adapter) with a context and encodes its result, and the front
validates the result as API Gateway does (``wire.results``) and writes START, END and REPORT
lines every 20 ms (to /dev/null). No pool, no limits, no timers, no output capture: the floor
under a faithful emulator in Python, with two processes.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from lambdaworks.runtime.context import new_request_id
from lambdaworks.wire import results
from lambdaworks.wire.http_api import apigw_v2_event

HEAD = struct.Struct("!I")
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
APPS = Path(__file__).resolve().parent / "apps"


def frames(sock: socket.socket) -> Iterator[bytes]:
    """Each frame's body as it arrives, until the front goes."""
    buffer = b""
    while True:
        while len(buffer) < HEAD.size or len(buffer) < HEAD.size + HEAD.unpack_from(buffer)[0]:
            chunk = sock.recv(65536)
            if not chunk:
                return
            buffer += chunk
        (size,) = HEAD.unpack_from(buffer)
        yield buffer[HEAD.size : HEAD.size + size]
        buffer = buffer[HEAD.size + size :]


def worker(address: str, kind: str) -> None:
    """Answer each frame: a fixed body, or the Flask app's."""
    if kind.endswith("+aws"):
        return aws_worker(address, kind)
    app: Any = None
    if kind == "flask":
        sys.path.insert(0, str(APPS))
        from flask_app import app
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(address)
    for _ in frames(sock):
        if app is None:
            body = b'{"message": "hello"}'
        else:
            environ = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "/flask/hello",
                "SCRIPT_NAME": "",
                "QUERY_STRING": "",
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "80",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "HTTP_HOST": "127.0.0.1",
                "wsgi.input": io.BytesIO(b""),
                "wsgi.errors": sys.stderr,
                "wsgi.url_scheme": "http",
                "wsgi.version": (1, 0),
                "wsgi.multithread": False,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
            }
            body = b"".join(app(environ, lambda status, headers, exc_info=None: None))
        sock.sendall(HEAD.pack(len(body)) + body)


def aws_worker(address: str, kind: str) -> None:
    """Each frame is an event: decode it, call the real handler with a context, encode its result."""
    import json

    from lambdaworks.runtime.context import LambdaContext

    sys.path.insert(0, str(APPS))
    if kind.startswith("flask"):
        from flask_app import handler
    else:
        from handler import lambda_handler as handler
    encoder = json.JSONEncoder()
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(address)
    for frame in frames(sock):
        event = json.loads(frame)
        context = LambdaContext(function_name="Hello", aws_request_id=event["requestContext"]["requestId"])
        body = encoder.encode(handler(event, context)).encode()
        sock.sendall(HEAD.pack(len(body)) + body)


class Lane(asyncio.Protocol):
    """The front's end of the worker's socket: requests out in order, answers back in order."""

    def __init__(self, pool: Workers) -> None:
        self.pool = pool
        self.waiting: deque[tuple[asyncio.Transport, Any]] = deque()
        self.buffer = b""
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.pool.joined(self)

    def ask(self, client: asyncio.Transport, event: bytes = b"{}", answer: Any = None) -> None:
        self.waiting.append((client, answer))
        self.transport.write(HEAD.pack(len(event)) + event)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= HEAD.size and len(self.buffer) >= HEAD.size + HEAD.unpack_from(self.buffer)[0]:
            (size,) = HEAD.unpack_from(self.buffer)
            body, self.buffer = self.buffer[HEAD.size : HEAD.size + size], self.buffer[HEAD.size + size :]
            client, answer = self.waiting.popleft()
            if not client.is_closing():  # wrk closes its connections at the end of a run
                client.write(ANSWER % len(body) + body if answer is None else answer(body))
            self.pool.freed(self)


class Workers:
    """The workers: one takes every request in turn (pipelined), or, with several, each takes one
    request at a time and the others wait, as Lambda gives each concurrent request an environment."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.lanes: list[Lane] = []
        self.idle: list[Lane] = []
        self.queue: deque[tuple[asyncio.Transport, bytes, Any]] = deque()
        self.ready = asyncio.get_running_loop().create_future()

    def joined(self, lane: Lane) -> None:
        self.lanes.append(lane)
        self.idle.append(lane)
        if len(self.lanes) == self.count:
            self.ready.set_result(None)

    def ask(self, client: asyncio.Transport, event: bytes = b"{}", answer: Any = None) -> None:
        if self.count == 1:
            self.lanes[0].ask(client, event, answer)
        elif self.idle:
            self.idle.pop().ask(client, event, answer)
        else:
            self.queue.append((client, event, answer))

    def freed(self, lane: Lane) -> None:
        if self.count == 1:
            return
        if self.queue:
            lane.ask(*self.queue.popleft())
        else:
            self.idle.append(lane)


class Front(asyncio.Protocol):
    def __init__(self, lane: Workers) -> None:
        import httptools

        self.lane = lane
        self.parser = httptools.HttpRequestParser(self)
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_message_complete(self) -> None:
        self.lane.ask(self.transport)


class AwsFront(Front):
    """The front with AWS's work: the event, the result's validation, START/END/REPORT lines."""

    def __init__(self, lane: Workers, log: Any) -> None:
        super().__init__(lane)
        self.log = log
        self.url = b""
        self.headers: list[tuple[str, str]] = []

    def on_url(self, url: bytes) -> None:
        self.url = url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_message_complete(self) -> None:
        headers, self.headers = self.headers, []
        path = self.url.decode("latin-1")
        request_id = new_request_id()
        event = apigw_v2_event(
            self.parser.get_method().decode(),
            path,
            headers=headers,
            domain="127.0.0.1",
            source_ip="127.0.0.1",
            route_key=f"GET {path}",
            request_id=new_request_id(),
        )
        started = time.perf_counter()
        self.log.line(f"START RequestId: {request_id} Version: $LATEST")

        def answer(body: bytes) -> bytes:
            response = results.to_response(results.HTTP_V2, results.parse_payload(body), payload=body)
            took = (time.perf_counter() - started) * 1000
            self.log.line(f"END RequestId: {request_id}")
            self.log.line(
                f"REPORT RequestId: {request_id}\tDuration: {took:.2f} ms\tBilled Duration: {int(took) + 1} ms"
            )
            head = "".join(
                f"{name}: {value}\r\n" for name, value in response.headers if name.lower() != "content-length"
            )
            return f"HTTP/1.1 {response.status} OK\r\n{head}Content-Length: {len(response.body)}\r\n\r\n".encode() + (
                response.body
            )

        self.lane.ask(self.transport, orjson.dumps(event), answer)


class BatchedLog:
    """Lines gathered and written every 20 ms, as the emulator writes its log."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.out = open(os.devnull, "w")  # noqa: SIM115 - open for the life of the front

    def line(self, text: str) -> None:
        if not self.lines:
            asyncio.get_running_loop().call_later(0.02, self.flush)
        self.lines.append(f"[Hello] {text}\n")

    def flush(self) -> None:
        self.out.write("".join(self.lines))
        self.out.flush()
        self.lines.clear()


async def serve(port: int, kind: str, workers: int) -> None:
    loop = asyncio.get_running_loop()
    address = str(Path(tempfile.mkdtemp()) / "lane.sock")
    lane = Workers(workers)
    servers = [await loop.create_unix_server(lambda: Lane(lane), address)]  # held: a dropped server closes
    for _ in range(workers):
        subprocess.Popen([sys.executable, __file__, "--worker", address, kind])
    await lane.ready
    if kind.endswith("+aws"):
        log = BatchedLog()
        servers.append(await loop.create_server(lambda: AwsFront(lane, log), "127.0.0.1", port))
    else:
        servers.append(await loop.create_server(lambda: Front(lane), "127.0.0.1", port))
    await asyncio.Event().wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, server: subprocess.Popen[bytes], limit: float = 60.0) -> None:
    """Until the setup listens (its workers all started: eight Flask imports take seconds here)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the setup on port {port} did not start")


def load(port: int, path: str, concurrency: int, duration: float) -> tuple[float, float]:
    """wrk's req/s and p50 (ms)."""
    argv = ["wrk", "-t1", f"-c{concurrency}", f"-d{round(duration)}s", "--latency", f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)", out, re.M)
    if rps is None or p50 is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return float(rps.group(1)), float(p50.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]


def measure(setup: str, duration: float) -> dict[int, tuple[float, float]]:
    """Start one setup (a relay kind with its worker count, or gunicorn), load it at c=1 and c=8."""
    port = free_port()
    if setup == "gunicorn":
        argv = [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}"]
        server = subprocess.Popen([*argv, "--log-level", "warning", "flask_app:app"], cwd=APPS, start_new_session=True)
    else:
        kind, _, workers = setup.partition(" x")
        argv = [sys.executable, __file__, "--front", str(port), kind, workers or "1"]
        server = subprocess.Popen(argv, start_new_session=True)
    path = "/hello" if setup.startswith("plain") else "/flask/hello"
    try:
        wait_for(port, server)
        load(port, path, 8, 1)  # warm
        return {concurrency: load(port, path, concurrency, duration) for concurrency in (1, 8)}
    finally:
        os.killpg(server.pid, 9)


#: What each row is: the bare relays, the relays doing AWS's work (one worker, or one per concurrent
#: request as Lambda runs them), and gunicorn with the same Flask app, the yardstick.
SETUPS = ("plain", "flask", "plain+aws", "flask+aws", "plain+aws x8", "flask+aws x8", "gunicorn")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--front", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    if args.front:
        import uvloop

        uvloop.run(serve(int(args.front[0]), args.front[1], int(args.front[2])))
        return
    cells: dict[str, list[dict[int, tuple[float, float]]]] = {setup: [] for setup in SETUPS}
    for _ in range(args.rounds):  # interleaved: every setup once per round
        for setup in SETUPS:
            cells[setup].append(measure(setup, args.duration))
            print(f"{setup}: {cells[setup][-1]}", file=sys.stderr)

    def median(setup: str, concurrency: int, index: int) -> float:
        return statistics.median(run[concurrency][index] for run in cells[setup])

    print(f"{args.duration:g} s per cell, {args.rounds} rounds, medians; flask rows against gunicorn in the same run")
    print("| setup | c | req/s | p50 ms | req/s / gunicorn | p50 / gunicorn |\n|---|---|---|---|---|---|")
    for setup in SETUPS:
        for concurrency in (1, 8):
            rps, p50 = median(setup, concurrency, 0), median(setup, concurrency, 1)
            ratios = " | "
            if setup.startswith("flask"):
                ratios = (
                    f"{rps / median('gunicorn', concurrency, 0):.2f}x | {p50 / median('gunicorn', concurrency, 1):.2f}x"
                )
            print(f"| {setup} | {concurrency} | {rps:,.0f} | {p50:.2f} | {ratios} |")


if __name__ == "__main__":
    main()
