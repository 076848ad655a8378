"""The bootstrap's per-invocation bookkeeping, in a fresh interpreter where memory is measured."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lambdaworks.runtime.bootstrap import ENCODER, RuntimeFault, marshal, unmarshal

SCRIPT = """
import os
from lambdaworks.runtime.bootstrap import set_trace_id

def resident_kb():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

set_trace_id("Root=1-warm")
before = resident_kb()
for i in range(100_000):
    set_trace_id(f"Root=1-{i:08x}-0123456789abcdef01234567;Sampled=0")
print(resident_kb() - before, os.environ["_X_AMZN_TRACE_ID"], os.getenv("_X_AMZN_TRACE_ID"))
"""


def test_each_invocation_trace_id_is_seen_by_python_and_costs_no_memory() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout.split()
    grown_kb, via_environ, via_getenv = int(out[0]), out[1], out[2]
    assert via_environ == via_getenv == "Root=1-0001869f-0123456789abcdef01234567;Sampled=0"
    # os.environ[...] = ... goes through C's setenv, which keeps every value: ~11 MB for these 100,000
    assert grown_kb < 2048


@pytest.mark.parametrize(
    "payload",
    [
        b'{"a": [1, "\xc3\xa9"]}',
        b'["x"]',
        '{"a": "\u00e9"}'.encode("utf-16-le"),  # a "{" then a NUL: sniffed, as json.loads(bytes) does
        '{"a": "\u00e9"}'.encode("utf-16-be"),
        '{"a": "\u00e9"}'.encode("utf-32"),
        b'\xef\xbb\xbf{"bom": true}',
        b'{"lone": "\xed\xa0\x80"}',  # a UTF-8-encoded surrogate: the runtime's json.loads takes it
        b'"text"',
        b"42",
        b' {"spaced": 1}\n',  # whitespace around the value: past the scanner, json.loads reads it
    ],
)
def test_events_are_unmarshalled_as_json_loads_reads_bytes(payload: bytes) -> None:
    """Lambda's Python runtime hands ``json.loads`` the event's bytes: UTF-8, -16 and -32 are all
    taken; decoding UTF-8 first (no sniffing) must not change what any of them becomes."""
    assert unmarshal(payload, "application/json") == json.loads(payload)


@pytest.mark.parametrize("payload", [b'{"a": "\xff"}', b"{", b"[1,", b'{"a": 1} {"b": 2}', b"{} x"])
def test_an_event_that_is_not_json_is_an_unmarshal_error(payload: bytes) -> None:
    with pytest.raises(RuntimeFault) as raised:
        unmarshal(payload, "application/json")
    assert raised.value.error_type == "Runtime.UnmarshalError"


@pytest.mark.parametrize(
    "result",
    [{"a": [1, 2.5, "\u00e9", None, True], "b": {"c": float("nan")}}, ["x", {}], "text", 3, None, 1e300],
)
def test_results_are_marshalled_as_the_encoder_writes_them(result: object) -> None:
    assert marshal(result) == (ENCODER.encode(result).encode(), "application/json")


def test_a_result_that_failed_to_marshal_leaves_nothing_behind() -> None:
    """The C encoder is made once and tracks the containers it is in: a failure half-way through must
    not leave one marked, or the next result holding it would read as a cycle."""
    shared: dict[str, list[object]] = {"k": [1, object()]}
    with pytest.raises(RuntimeFault) as raised:
        marshal({"shared": shared})
    assert raised.value.error_type == "Runtime.MarshalError"
    shared["k"][1] = 2  # what the function returns next time holds the same dict
    assert marshal({"again": shared}) == (b'{"again": {"k": [1, 2]}}', "application/json")
    cycle: list[object] = []
    cycle.append(cycle)
    with pytest.raises(RuntimeFault, match="Circular reference detected"):
        marshal(cycle)
