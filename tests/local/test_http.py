"""The emulator's HTTP server on the wire: pipelining, HEAD, Expect: 100-continue, garbage."""

from __future__ import annotations

import contextlib
import socket

from tests.local.conftest import LiveEmulator


def connect(emulator: LiveEmulator) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", emulator.port), timeout=10)
    return sock


def read_response(sock: socket.socket, buffer: bytearray, head: bool = False) -> tuple[bytes, bytes]:
    """One response (status line + headers, body) from ``buffer``/``sock``; leaves the rest in ``buffer``."""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    start, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    length = (
        0
        if head
        else int(
            next(line for line in start.split(b"\r\n") if line.lower().startswith(b"content-length:")).split(b":")[1]
        )
    )
    while len(rest) < length:
        more = sock.recv(65536)
        buffer += more
        rest += more
    del buffer[: len(start) + 4 + length]
    return start, rest[:length]


def test_pipelined_requests_are_answered_in_order(emulator: LiveEmulator) -> None:
    with connect(emulator) as sock:
        sock.sendall(
            b"GET /v2/echo/first HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /v2/echo/third HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        buffer = bytearray()
        answers = [read_response(sock, buffer) for _ in range(3)]
    assert [start.split(b"\r\n")[0] for start, _ in answers] == [
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 404 Not Found",
        b"HTTP/1.1 200 OK",
    ]
    assert b'"rawPath": "/v2/echo/first"' in answers[0][1]
    assert b'"rawPath": "/v2/echo/third"' in answers[2][1]


def test_head_gets_headers_only_and_the_connection_stays_usable(emulator: LiveEmulator) -> None:
    with connect(emulator) as sock:
        sock.sendall(b"HEAD /v2/echo/h HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        buffer = bytearray()
        start, body = read_response(sock, buffer, head=True)
        assert start.startswith(b"HTTP/1.1 200 OK")
        assert b"Content-Length: " in start
        assert body == b""
        start, body = read_response(sock, buffer)
        assert start.startswith(b"HTTP/1.1 404 Not Found")
        assert body == b'{"message":"Not Found"}'


def test_expect_100_continue_is_answered_before_the_body(emulator: LiveEmulator) -> None:
    with connect(emulator) as sock:
        sock.sendall(b"POST /v2/echo/up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"  # without it curl waits a second
        sock.sendall(b"hello")
        start, body = read_response(sock, bytearray())
    assert start.startswith(b"HTTP/1.1 200 OK")
    assert b'"body": "aGVsbG8="' in body  # no content type: API Gateway base64-encodes it


def test_garbage_gets_a_400_and_the_connection_closes(emulator: LiveEmulator) -> None:
    with connect(emulator) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Connection: close" in data


def test_a_client_that_half_closes_after_its_request_is_answered(emulator: LiveEmulator) -> None:
    """``shutdown(SHUT_WR)`` after a complete request (as ``nc -N`` does): answered, then closed."""
    with connect(emulator) as sock:
        sock.sendall(b"GET /v2/echo/half HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.shutdown(socket.SHUT_WR)
        received = bytearray()
        while chunk := sock.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 ") == 2
    assert b'"rawPath": "/v2/echo/half"' in received
    assert b"HTTP/1.1 404 Not Found" in received


def test_an_oversized_request_line_or_header_block_is_refused_as_it_arrives(emulator: LiveEmulator) -> None:
    """414 for a request line, 431 for headers, past 64 KB; the connection closes, nothing is kept."""
    for request, status in (
        (b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 200_000 + b"\r\n\r\n", b"431"),
    ):
        with connect(emulator) as sock:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused before all was sent
                sock.sendall(request)
            received = bytearray()
            with contextlib.suppress(ConnectionResetError):
                while chunk := sock.recv(65536):
                    received += chunk
        assert received.startswith(b"HTTP/1.1 " + status), received[:80]


def test_answers_dropped_at_a_stop_leave_no_coroutine_unawaited() -> None:
    """A request whose answer had not started when its connection closed or the loop stopped:
    its handler's coroutine is closed, not left to warn ``coroutine ... was never awaited``."""
    import asyncio
    import gc
    import warnings

    from lambdaworks.local.http import Request, Response, _Connection, drop_unanswered, json_response

    async def slow(request: Request) -> Response:
        await asyncio.sleep(10)
        return json_response(200, b"{}")

    async def drop(how: str) -> None:
        ours, theirs = socket.socketpair()
        connection = _Connection(slow)
        await asyncio.get_running_loop().connect_accepted_socket(lambda: connection, sock=ours)
        connection.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert connection.worker is not None  # the answer is queued, its task not started yet
        if how == "lost":
            connection.connection_lost(None)
        else:  # the emulator's stop, then asyncio.run cancels the tasks left
            drop_unanswered()
        connection.worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await connection.worker
        theirs.close()

    for how in ("lost", "stopped"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            asyncio.run(drop(how))
            gc.collect()
        assert not [w for w in caught if "never awaited" in str(w.message)], how
