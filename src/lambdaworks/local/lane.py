"""The emulator's end of the fast lane (the wire format is :mod:`lambdaworks.runtime.lane`): one
connection from our bootstrap, its frames parsed as they arrive and handed to the environment's
:class:`~lambdaworks.local.runtime_api.RuntimeApi`, invocations written back in one write each.
"""

from __future__ import annotations

import asyncio
from typing import Protocol, cast

from lambdaworks.runtime.lane import HEAD, INVOKE, frame


class FrameSink(Protocol):
    """What the lane hands its frames to."""

    def on_frame(self, lane: LaneConnection, kind: int, header: bytes, body: bytes) -> None: ...

    def on_lane_lost(self, lane: LaneConnection) -> None: ...


class LaneConnection(asyncio.Protocol):
    """One bootstrap's connection."""

    def __init__(self, sink: FrameSink) -> None:
        self.sink = sink
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.buffer:
            self.buffer += data
            data = bytes(self.buffer)
            self.buffer.clear()
        size, start = len(data), 0
        while size - start >= HEAD.size:  # whole frames straight from the bytes received
            kind, header_size, body_size = HEAD.unpack_from(data, start)
            header_at = start + HEAD.size
            body_at = header_at + header_size
            end = body_at + body_size
            if end > size:
                break
            self.sink.on_frame(self, kind, data[header_at:body_at], data[body_at:end])
            start = end
        if start < size:
            self.buffer += data[start:]

    def invoke(self, header: bytes, event: bytes) -> None:
        """Hand the bootstrap an invocation."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame(INVOKE, header, event))

    def connection_lost(self, exc: Exception | None) -> None:
        self.sink.on_lane_lost(self)
