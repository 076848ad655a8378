"""A small asyncio HTTP/1.1 server on httptools (llhttp), shared by the gateway, the Invoke API and
the Runtime API.

Bodies are read whole (every API here has a payload limit); connections are kept alive and
pipelined requests answered in order; the header list keeps the client's spelling and order (API
Gateway REST events preserve case). ``Expect: 100-continue`` is answered at once, so curl does
not wait a second before sending a body. Each response goes out in one write, with TCP_NODELAY.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import cast

import httptools

from lambdaworks.runtime.types import find_header

MAX_BODY = 32 * 1024 * 1024
MAX_HEAD = 64 * 1024
_REASONS = {status.value: status.phrase for status in HTTPStatus}


@dataclass(slots=True)
class Request:
    """An HTTP request as received."""

    method: str
    path: str  #: the request target before its ``?``
    query: str  #: the request target after its ``?`` ("" without one)
    headers: list[tuple[str, str]]
    body: bytes
    client: tuple[str, int]
    local_port: int

    def header(self, name: str, default: str | None = None) -> str | None:
        return find_header(self.headers, name, default)


@dataclass(slots=True)
class Response:
    """An HTTP response to send."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


class Deferred:
    """An answer to come, handed over by a plain call when it is ready: no task, no future, no turn of
    the event loop between the answer and its write (the gateway's warm path)."""

    __slots__ = ("_response", "_then")

    def __init__(self) -> None:
        self._then: Callable[[Response], None] | None = None
        self._response: Response | None = None

    def then(self, callback: Callable[[Response], None]) -> None:
        """Call ``callback`` with the response once it is ready (now, if it is)."""
        if self._response is not None:
            callback(self._response)
        else:
            self._then = callback

    def resolve(self, response: Response) -> None:
        """The response is ready: handed to the callback now."""
        then, self._then = self._then, None
        if then is not None:
            then(response)
        else:
            self._response = response


#: Answers a request: a coroutine function, or a plain function that returns a Response when it can
#: answer at once (sent without creating a task), a Deferred answer, or an awaitable when it must wait.
Handler = Callable[[Request], "Awaitable[Response] | Deferred | Response"]


def json_response(status: int, body: bytes, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, [("Content-Type", "application/json"), *(headers or [])], body)


_STATUS_LINES = {status: f"HTTP/1.1 {status} {phrase}" for status, phrase in _REASONS.items()}
_OWN_HEADERS = frozenset(("content-length", "transfer-encoding", "connection"))  # ours to write


def encode_response(response: Response, keep_alive: bool = True, head: bool = False) -> bytes:
    """The response as bytes: status line, headers (those that could split the response are
    dropped), our own Content-Length, the body (not for ``head``: the answer to a HEAD request)."""
    status = response.status
    lines = [_STATUS_LINES.get(status) or f"HTTP/1.1 {status} "]
    for name, value in response.headers:
        line = f"{name}: {value}"
        if "\r" in line or "\n" in line or ":" in name or name.lower() in _OWN_HEADERS:
            continue
        lines.append(line)
    lines.append(f"Content-Length: {len(response.body)}")
    if not keep_alive:
        lines.append("Connection: close")
    start = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
    return start + response.body if response.body and not head else start


def internal_error(exc: Exception) -> Response:
    """The 500 answer to a request whose handler failed."""
    return json_response(500, f'{{"message": "lambdaworks internal error: {type(exc).__name__}: {exc}"}}'.encode())


OPEN: weakref.WeakSet[_Connection] = weakref.WeakSet()  # the connections being served, for a stop


def drop_unanswered() -> None:
    """At a stop: forget every answer not yet started, on every connection (see ``_drop_pending``)."""
    for connection in list(OPEN):
        connection.closing = True
        connection._drop_pending()


class _Connection(asyncio.Protocol):
    """One client connection: parses requests as bytes arrive, answers them in order."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.client: tuple[str, int] = ("", 0)
        self.local_port = 0
        self.pending: deque[tuple[Request | Response, bool, bool]] = deque()  # behind the answer in progress
        self.worker: asyncio.Task[None] | Deferred | None = None  # the answer in progress
        self.unstarted: Awaitable[Response] | None = None  # its handler's coroutine, until its task runs
        self.outbox: list[bytes] = []
        self.closing = False
        self.ended = False  # the client half-closed: answer what it sent, then close
        self.refusal = (400, b'{"message": "Bad Request"}')  # what a request the parser refused gets
        self._reset()

    def _reset(self) -> None:
        self.url = b""
        self.headers: list[tuple[str, str]] = []
        self.head_size = 0
        self.body: list[bytes] = []
        self.body_size = 0
        self.too_large = False
        self.expect: bytes | None = None  # the first Expect header's value

    # -- asyncio.Protocol -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not subclasses
        OPEN.add(self)
        self.loop: asyncio.AbstractEventLoop = asyncio.get_running_loop()  # kept: each call makes a getpid()
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(transport.get_extra_info("sockname"), tuple):  # TCP; a Unix socket has no address
            peer = transport.get_extra_info("peername") or ("", 0)
            self.client = (str(peer[0]), int(peer[1]))
            self.local_port = int(transport.get_extra_info("sockname")[1])

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail()
        except httptools.HttpParserError:
            self._fail()
        if self.worker is None:
            self._flush()
        # else: answers given at once wait for the one in progress and leave with it, in one write
        # (a pipelining runtime client's "202 for the result" and "here is the next event")

    def eof_received(self) -> bool:
        """The client sent everything it will (``shutdown(SHUT_WR)``, ``nc -N``): keep the connection
        open to answer, then close it (True keeps the transport open for writing)."""
        self.ended = True
        if self.worker is None and not self.pending:
            self._flush()
            self._close_if_done()
        return True

    def _close_if_done(self) -> None:
        if self.ended and self.worker is None and not self.pending and self.transport is not None:
            self.closing = True
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self._drop_pending()  # a handler already running finishes; its answer has nowhere to go

    def _drop_pending(self) -> None:
        """Forget the answers not started (a stop, a client gone); a handler's coroutine whose task has
        not run yet is closed, so it does not warn ``coroutine ... was never awaited`` when collected."""
        self.pending.clear()
        unstarted, self.unstarted = self.unstarted, None
        if unstarted is not None and hasattr(unstarted, "close"):
            unstarted.close()

    # -- httptools callbacks --------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._reset()

    def on_url(self, url: bytes) -> None:
        self.url += url
        self.head_size += len(url)
        if self.head_size > MAX_HEAD:  # refused as the bytes arrive, never buffered whole
            self.refusal = (414, b'{"message": "URI Too Long"}')
            raise httptools.HttpParserError("request line too long")

    def on_header(self, name: bytes, value: bytes) -> None:
        self.head_size += len(name) + len(value)
        if self.head_size > MAX_HEAD:
            self.refusal = (431, b'{"message": "Request Header Fields Too Large"}')
            raise httptools.HttpParserError("headers too large")
        if len(name) == 6 and self.expect is None and name.lower() == b"expect":
            self.expect = value
        self.headers.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        if self.expect is not None and self.expect.lower() == b"100-continue" and self.transport is not None:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        self.body_size += len(body)
        if self.body_size > MAX_BODY:
            self.too_large = True
            self.body.clear()
        elif not self.too_large:
            self.body.append(body)

    def on_message_complete(self) -> None:
        keep_alive = bool(self.parser.should_keep_alive())
        item: Request | Response
        if self.too_large:
            item, keep_alive, head = json_response(413, b'{"message": "Request Entity Too Large"}'), False, False
        else:
            method = self.parser.get_method().decode()
            path, _, query = self.url.decode("latin-1").partition("?")
            item = Request(method, path, query, self.headers, b"".join(self.body), self.client, self.local_port)
            head = method == "HEAD"
        if self.worker is not None:  # answers go out in order: queue behind the one in progress
            self.pending.append((item, keep_alive, head))
            return
        self._start(item, keep_alive, head)

    # -- answering ------------------------------------------------------------------------------

    def _start(self, item: Request | Response, keep_alive: bool, head: bool) -> None:
        """Answer ``item``: at once, or when its answer is ready (the request becomes the one in progress)."""
        answer = item if isinstance(item, Response) else self._call(item)
        if isinstance(answer, Response):
            self._write(answer, keep_alive, head)
        elif isinstance(answer, Deferred):
            self.worker = answer
            answer.then(lambda response: self._answered(response, keep_alive, head))
        else:
            self.unstarted = answer
            self.worker = self.loop.create_task(self._await(answer, keep_alive, head))

    def _answered(self, response: Response, keep_alive: bool, head: bool) -> None:
        """The answer in progress is ready: write it, and answer what waited behind it."""
        self.worker = None
        self._write(response, keep_alive, head)
        while self.pending and self.worker is None and not self.closing:
            self._start(*self.pending.popleft())
        self._flush()
        if self.closing:  # the client went: what was not answered goes
            self._drop_pending()
        self._close_if_done()  # a client that half-closed has had every answer

    async def _await(self, answer: Awaitable[Response], keep_alive: bool, head: bool) -> None:
        self.unstarted = None
        try:
            response = await answer
        except asyncio.CancelledError:  # a stop: what was not answered goes
            self.worker = None
            self._drop_pending()
            self._close_if_done()
            raise
        except Exception as exc:  # never drop a connection without an answer
            response = internal_error(exc)
        self._answered(response, keep_alive, head)

    def _call(self, request: Request) -> Awaitable[Response] | Deferred | Response:
        try:
            return self.handler(request)
        except Exception as exc:
            return internal_error(exc)

    def _write(self, response: Response, keep_alive: bool, head: bool = False) -> None:
        if self.closing or self.transport is None:
            return  # the client went away; nobody to answer
        self.outbox.append(encode_response(response, keep_alive, head))
        if not keep_alive:
            self._flush()
            self.closing = True
            self.transport.close()

    def _flush(self) -> None:
        if self.outbox and self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"".join(self.outbox))  # one write: no Nagle stall, one wake-up
        self.outbox.clear()

    def _fail(self) -> None:
        self.closing = True
        if self.transport is not None:
            status, body = self.refusal
            self.transport.write(encode_response(json_response(status, body), keep_alive=False))
            self.transport.close()


async def serve(handler: Handler, sock: socket.socket) -> asyncio.Server:
    """Serve ``handler`` on an already bound, listening socket."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _Connection(handler), sock=sock)
