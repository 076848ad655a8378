"""The fast lane: the local emulator's private channel to its own bootstrap.

Locally, :mod:`lambdaworks.runtime.bootstrap` does not speak HTTP to the emulator: it exchanges
length-prefixed frames on a Unix socket (``LAMBDAWORKS_RUNTIME_SOCKET``). A frame is a 9-byte
head (kind, header length, body length), a header and a body. The emulator sends an
invocation (its event, request id, deadline, function ARN, trace id, client context and
identity); the bootstrap sends the function's output as it is written, then the result or the
error, in that order on one stream, so every line of output is logged before the invocation's
END without a marker or a wait. The Lambda Runtime API (HTTP, ``AWS_LAMBDA_RUNTIME_API``) stays
as it is for every other client (``awslambdaric``, ``provided`` runtimes), and this bootstrap
uses it too wherever no lane is offered, on AWS first of all.

Standard library only: this module ships inside functions with the rest of ``runtime/``.
"""

from __future__ import annotations

import io
import os
import socket
import struct
import threading

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: kind (1 byte), header length, body length (4 bytes each, big-endian)
HEAD = struct.Struct("!BII")

# bootstrap -> emulator
READY = 1  #: init is done: the first ``GET /next``
RESULT = 2  #: header: the content type; body: the result
ERROR = 3  #: header: the error type; body: the error document
INIT_ERROR = 4  #: header: the error type; body: the error document
OUTPUT = 5  #: body: the function's output, as written
# emulator -> bootstrap
INVOKE = 10  #: header: FIELDS joined by NUL; body: the event

#: An invocation header's fields, in order: what the Runtime API sends as ``Lambda-Runtime-*`` headers.
FIELDS = (
    "lambda-runtime-aws-request-id",
    "lambda-runtime-deadline-ms",
    "lambda-runtime-invoked-function-arn",
    "lambda-runtime-trace-id",
    "lambda-runtime-client-context",
    "lambda-runtime-cognito-identity",
)


def frame(kind: int, header: bytes, body: bytes) -> bytes:
    """One frame as bytes."""
    return HEAD.pack(kind, len(header), len(body)) + header + body


def invocation_header(values: tuple[str, ...]) -> bytes:
    """An INVOKE frame's header: ``values`` in FIELDS' order ("" for a field not sent)."""
    return "\0".join(values).encode()


def invocation_headers(header: bytes) -> dict[str, str]:
    """An INVOKE frame's header as the Runtime API's response headers (the fields that are set)."""
    return {name: value for name, value in zip(FIELDS, header.decode().split("\0"), strict=False) if value}


class LaneClient:
    """The bootstrap's end of the lane: one connected Unix socket, frames written under a lock (the
    function's threads write output while the main thread reports)."""

    def __init__(self, address: str = "", sock: socket.socket | None = None) -> None:
        """Connect to ``address`` (``@name``: Linux's abstract namespace), or use ``sock``, connected."""
        if sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect("\0" + address[1:] if address.startswith("@") else address)
        self.sock = sock
        self.lock = threading.Lock()
        self.buffer = bytearray()
        self.chunk = bytearray(262144)
        self.view = memoryview(self.chunk)

    def close(self) -> None:
        self.sock.close()

    def send(self, kind: int, header: bytes = b"", body: bytes = b"") -> None:
        with self.lock:
            self.sock.sendall(frame(kind, header, body))

    def first(self) -> tuple[int, dict[str, str], bytes]:
        """Init is done: the first invocation."""
        self.send(READY)
        return self.next_invocation()

    def report(
        self, request_id: str, error_type: str | None, body: bytes, content_type: str
    ) -> tuple[int, dict[str, str], bytes]:
        """An invocation's result (``error_type`` None) or error, then the next invocation."""
        if error_type is None:
            self.send(RESULT, content_type.encode(), body)
        else:
            self.send(ERROR, error_type.encode(), body)
        return self.next_invocation()

    def init_error(self, error_type: str, body: bytes) -> None:
        self.send(INIT_ERROR, error_type.encode(), body)

    def next_invocation(self) -> tuple[int, dict[str, str], bytes]:
        """The next INVOKE frame, shaped as the Runtime API's ``GET /next`` response."""
        kind, header, body = self.receive()
        if kind != INVOKE:
            raise ConnectionError(f"the emulator sent frame kind {kind} where an invocation was due")
        return 200, invocation_headers(header), body

    def receive(self) -> tuple[int, bytes, bytes]:
        """The next frame from the emulator: (kind, header, body)."""
        buffer = self.buffer
        while True:
            if len(buffer) >= HEAD.size:
                kind, header_size, body_size = HEAD.unpack_from(buffer)
                body_at = HEAD.size + header_size
                end = body_at + body_size
                if len(buffer) >= end:
                    header, body = bytes(buffer[HEAD.size : body_at]), bytes(buffer[body_at:end])
                    del buffer[:end]
                    return kind, header, body
            got = self.sock.recv_into(self.chunk)  # into one reused buffer: no fresh mapping per call
            if not got:
                raise ConnectionError("the emulator closed the lane")
            buffer += self.view[:got]


class LaneOutput(io.RawIOBase):
    """``sys.stdout`` and ``sys.stderr`` of a function on the lane: each write is an OUTPUT frame.

    ``fileno()`` is the original descriptor, so a subprocess handed ``sys.stdout`` (or
    ``faulthandler``) writes to the environment's pipe, which the emulator reads too. In a forked
    child the lane is not ours to write: the output goes to that descriptor instead.
    """

    def __init__(self, lane: LaneClient, fd: int) -> None:
        super().__init__()
        self.lane = lane
        self.fd = fd
        self.pid = os.getpid()

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, data: Any) -> int:
        size = len(data)
        if os.getpid() != self.pid:
            return os.write(self.fd, data)
        self.lane.send(OUTPUT, b"", bytes(data))
        return size


def lane_stream(lane: LaneClient, original: Any) -> io.TextIOWrapper:
    """A text stream like ``original`` (its encoding and error handler) whose lines go on the lane."""
    raw = LaneOutput(lane, original.fileno())
    return io.TextIOWrapper(
        io.BufferedWriter(raw),
        encoding=getattr(original, "encoding", None) or "utf-8",
        errors=getattr(original, "errors", None) or "strict",
        line_buffering=True,
    )
