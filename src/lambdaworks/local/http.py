"""A small asyncio HTTP/1.1 server on h11, shared by the gateway, the Invoke API and the Runtime API.

Bodies are read whole (every API here has a payload limit); connections are kept alive; the
header list keeps the client's spelling and order (API Gateway REST events preserve case).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

import h11

MAX_BODY = 32 * 1024 * 1024
_REASONS = {status.value: status.phrase.encode() for status in HTTPStatus}


@dataclass
class Request:
    """An HTTP request as received."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    client: tuple[str, int]
    local_port: int

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    def header(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return default


@dataclass
class Response:
    """An HTTP response to send."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


Handler = Callable[[Request], Awaitable[Response]]


def json_response(status: int, body: bytes, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, [("Content-Type", "application/json"), *(headers or [])], body)


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler: Handler) -> None:
    connection = h11.Connection(h11.SERVER, max_incomplete_event_size=64 * 1024)
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    peer = writer.get_extra_info("peername") or ("", 0)
    local_port = (writer.get_extra_info("sockname") or ("", 0))[1]
    try:
        while True:
            request = await _read_request(connection, reader, peer, local_port)
            if request is None:
                return
            if isinstance(request, Response):
                response = request
            else:
                try:
                    response = await handler(request)
                except Exception as exc:  # never drop a connection without an answer
                    body = f'{{"message": "lambdaworks internal error: {type(exc).__name__}: {exc}"}}'.encode()
                    response = json_response(500, body)
            headers = [(k, v) for k, v in response.headers if k.lower() not in ("content-length", "transfer-encoding")]
            headers.append(("Content-Length", str(len(response.body))))
            reason = _REASONS.get(response.status, b"")
            out = [connection.send(h11.Response(status_code=response.status, headers=headers, reason=reason))]
            if response.body:
                out.append(connection.send(h11.Data(data=response.body)))
            out.append(connection.send(h11.EndOfMessage()))
            writer.write(b"".join(x for x in out if x))  # one write: no Nagle/delayed-ACK stall
            await writer.drain()
            if connection.our_state is h11.MUST_CLOSE:
                return
            connection.start_next_cycle()
    except (ConnectionError, h11.RemoteProtocolError, asyncio.IncompleteReadError, asyncio.CancelledError):
        return  # the peer went away, or we are shutting down (a pending long poll is cancelled)
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _read_request(
    connection: h11.Connection, reader: asyncio.StreamReader, peer: tuple[str, int], local_port: int
) -> Request | Response | None:
    head: h11.Request | None = None
    chunks: list[bytes] = []
    size = 0
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            data = await reader.read(65536)
            if not data and head is None:
                return None
            connection.receive_data(data)
            continue
        if isinstance(event, h11.ConnectionClosed):
            return None
        if isinstance(event, h11.Request):
            head = event
        elif isinstance(event, h11.Data):
            size += len(event.data)
            if size > MAX_BODY:
                return json_response(413, b'{"message": "Request Entity Too Large"}', [("Connection", "close")])
            chunks.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage):
            assert head is not None
            return Request(
                method=head.method.decode(),
                target=head.target.decode("latin-1"),
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in head.headers.raw_items()],
                body=b"".join(chunks),
                client=(str(peer[0]), int(peer[1])),
                local_port=local_port,
            )


async def serve(handler: Handler, sock: socket.socket) -> asyncio.Server:
    """Serve ``handler`` on an already bound, listening socket."""

    async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve_connection(reader, writer, handler)

    return await asyncio.start_server(on_connection, sock=sock)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; ``OSError`` (errno EADDRINUSE) when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock
