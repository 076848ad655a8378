"""The floor under the emulator's two hops: wrk -> a uvloop + llhttp front -> a length-prefixed frame
on a Unix socket -> a worker process -> a frame back -> the HTTP answer. No event, no validation, no
logs, no limits: what two processes cost by themselves. Run by hand (needs the ``bench`` extra, wrk)::

    .venv/bin/python benchmarks/relay_floor.py [--duration 4]

The worker answers a fixed JSON body (``plain``) or calls the benchmark's Flask app through WSGI
with a ready environ (``flask``); compare its p50 with ``benchmarks/emulator.py``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

HEAD = struct.Struct("!I")
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
APPS = Path(__file__).resolve().parent / "apps"


def worker(address: str, kind: str) -> None:
    """Answer each frame: a fixed body, or the Flask app's."""
    app: Any = None
    if kind == "flask":
        sys.path.insert(0, str(APPS))
        from flask_app import app
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(address)
    buffer = b""
    while True:
        while len(buffer) < HEAD.size or len(buffer) < HEAD.size + HEAD.unpack_from(buffer)[0]:
            buffer += sock.recv(65536)
        (size,) = HEAD.unpack_from(buffer)
        buffer = buffer[HEAD.size + size :]
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


class Lane(asyncio.Protocol):
    """The front's end of the worker's socket: requests out in order, answers back in order."""

    def __init__(self) -> None:
        self.waiting: deque[asyncio.Transport] = deque()
        self.buffer = b""
        self.transport: Any = None
        self.ready = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.ready.set_result(None)

    def ask(self, client: asyncio.Transport) -> None:
        self.waiting.append(client)
        self.transport.write(HEAD.pack(2) + b"{}")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= HEAD.size and len(self.buffer) >= HEAD.size + HEAD.unpack_from(self.buffer)[0]:
            (size,) = HEAD.unpack_from(self.buffer)
            body, self.buffer = self.buffer[HEAD.size : HEAD.size + size], self.buffer[HEAD.size + size :]
            self.waiting.popleft().write(ANSWER % len(body) + body)


class Front(asyncio.Protocol):
    def __init__(self, lane: Lane) -> None:
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


async def serve(port: int, kind: str) -> None:
    loop = asyncio.get_running_loop()
    address = str(Path(tempfile.mkdtemp()) / "lane.sock")
    lane = Lane()
    await loop.create_unix_server(lambda: lane, address)
    subprocess.Popen([sys.executable, __file__, "--worker", address, kind])
    await lane.ready
    await loop.create_server(lambda: Front(lane), "127.0.0.1", port)
    await asyncio.Event().wait()


def measure(kind: str, duration: float) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    front = subprocess.Popen([sys.executable, __file__, "--front", str(port), kind], start_new_session=True)
    try:
        time.sleep(1.5)
        for concurrency in (1, 8):
            argv = ["wrk", "-t1", f"-c{concurrency}", f"-d{round(duration)}s", "--latency", f"http://127.0.0.1:{port}/"]
            out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
            rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
            p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
            print(f"| relay {kind} | {concurrency} | {rps.group(1) if rps else '?'} | {p50.group(1) if p50 else '?'} |")
    finally:
        os.killpg(front.pid, 9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=4.0)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--front", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
    elif args.front:
        import uvloop

        uvloop.run(serve(int(args.front[0]), args.front[1]))
    else:
        print("| relay | c | req/s | p50 |\n|---|---|---|---|")
        for kind in ("plain", "flask"):
            measure(kind, args.duration)


if __name__ == "__main__":
    main()
