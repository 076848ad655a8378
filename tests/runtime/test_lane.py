"""The fast lane's wire: frames both ends read alike however the bytes arrive, the bootstrap's
client over a real Unix socket, and its output stream (a forked child keeps off the lane)."""

from __future__ import annotations

import os
import socket
import sys
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambdaworks.local.lane import LaneConnection
from lambdaworks.runtime import lane


class Frames:
    """A sink that keeps what the emulator's end parsed."""

    def __init__(self) -> None:
        self.got: list[tuple[int, bytes, bytes]] = []
        self.lost = False

    def on_frame(self, connection: LaneConnection, kind: int, header: bytes, body: bytes) -> None:
        self.got.append((kind, header, body))

    def on_lane_lost(self, connection: LaneConnection) -> None:
        self.lost = True


frames = st.lists(st.tuples(st.integers(0, 255), st.binary(max_size=40), st.binary(max_size=300)), max_size=6)


@given(frames, st.lists(st.integers(1, 64), min_size=1, max_size=20))
def test_frames_are_read_whole_however_the_bytes_are_cut(sent: list[tuple[int, bytes, bytes]], cuts: list[int]) -> None:
    stream = b"".join(lane.frame(*f) for f in sent)
    sink = Frames()
    connection = LaneConnection(sink)
    at, step = 0, 0
    while at < len(stream):
        size = cuts[step % len(cuts)]
        connection.data_received(stream[at : at + size])
        at, step = at + size, step + 1
    assert sink.got == sent


def test_an_invocation_header_carries_the_runtime_apis_headers() -> None:
    values = ("8f5c3c1a-1111-4111-8111-111111111111", "1767225600000", "arn:aws:lambda:::function:F", "Root=1", "", "")
    headers = lane.invocation_headers(lane.invocation_header(values))
    assert headers == {
        "lambda-runtime-aws-request-id": values[0],
        "lambda-runtime-deadline-ms": values[1],
        "lambda-runtime-invoked-function-arn": values[2],
        "lambda-runtime-trace-id": values[3],
    }  # fields not sent are absent, as headers the Runtime API does not send


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="an abstract Unix socket")
def test_the_bootstrap_client_reports_and_receives_over_a_real_socket() -> None:
    address = f"@lambdaworks-test-{os.getpid()}"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("\0" + address[1:])
    server.listen(1)
    received: list[tuple[int, bytes, bytes]] = []

    def emulator() -> None:
        connection, _ = server.accept()
        sink = Frames()
        end = LaneConnection(sink)
        while len(sink.got) < 1:
            end.data_received(connection.recv(65536))
        header = lane.invocation_header(("id-1", "1", "arn", "", "", ""))
        connection.sendall(lane.frame(lane.INVOKE, header, b'{"n": 1}'))
        while len(sink.got) < 3:  # an output frame, then the result
            end.data_received(connection.recv(65536))
        connection.sendall(lane.frame(lane.INVOKE, header, b'{"n": 2}'))
        received.extend(sink.got)
        connection.close()

    thread = threading.Thread(target=emulator)
    thread.start()
    client = lane.LaneClient(address)
    status, headers, body = client.first()
    assert (status, headers["lambda-runtime-aws-request-id"], body) == (200, "id-1", b'{"n": 1}')
    client.send(lane.OUTPUT, b"", b"a line\n")
    _, _, body = client.report("id-1", None, b'"ok"', "application/json")
    assert body == b'{"n": 2}'
    thread.join(5)
    client.close()
    server.close()
    assert received == [
        (lane.READY, b"", b""),
        (lane.OUTPUT, b"", b"a line\n"),
        (lane.RESULT, b"application/json", b'"ok"'),
    ]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_output_in_a_forked_child_goes_to_the_descriptor_not_the_lane() -> None:
    read, write = os.pipe()
    ours, theirs = socket.socketpair()
    client = lane.LaneClient(sock=ours)
    stream = lane.LaneOutput(client, write)
    pid = os.fork()
    if pid == 0:  # the child: its write must not reach the parent's lane
        stream.write(b"from the child\n")
        os._exit(0)
    os.waitpid(pid, 0)
    stream.write(b"from the parent\n")
    os.close(write)
    assert os.read(read, 100) == b"from the child\n"
    theirs.settimeout(5)
    assert theirs.recv(100) == lane.frame(lane.OUTPUT, b"", b"from the parent\n")
    for end in (ours, theirs):
        end.close()
    os.close(read)
