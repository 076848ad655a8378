"""Test functions for the emulator: each behaves (or misbehaves) in one way on purpose."""

from __future__ import annotations

import base64
import ctypes
import json
import os
import socket
import time
from typing import Any

STARTED = time.time()
CALLS = {"n": 0}


def socket_families() -> list[str]:
    """The families of this process's open sockets (Linux): how its runtime client is connected."""
    families = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            if not os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                continue
        except OSError:
            continue
        sock = socket.socket(fileno=int(fd))
        families.add(sock.family.name)
        sock.detach()  # look, do not close
    return sorted(families)


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    CALLS["n"] += 1
    print(f"echo call {CALLS['n']}")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]} if "httpMethod" in event else {},
        "body": json.dumps(
            {
                "event": event,
                "calls": CALLS["n"],
                "pid": os.getpid(),
                "greeting": os.environ.get("GREETING"),
                "remaining_ms": context.get_remaining_time_in_millis(),
                "function": context.function_name,
                "request_id": context.aws_request_id,
                "task_root": os.environ.get("LAMBDA_TASK_ROOT"),
                "trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
                "sockets": socket_families() if os.path.isdir("/proc/self/fd") else None,
            }
        ),
    }


def results(event: dict[str, Any], context: Any) -> Any:
    kind = (event.get("pathParameters") or {}).get("kind")
    shapes: dict[str, Any] = {
        "string": "just a string",
        "bad-status": {"statusCode": "abc", "body": "x"},
        "string-status": {"statusCode": "201", "body": "created"},
        "extra-key": {"statusCode": 200, "body": "x", "unexpected": True},
        "bad-multi": {"statusCode": 200, "multiValueHeaders": {"X": "not-a-list"}, "body": "x"},
        "headers-only": {"headers": {"X-Only": "1"}},
        "bare-json": {"hello": "world"},
        "png": {
            "statusCode": 200,
            "headers": {"Content-Type": "image/png"},
            "body": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode(),
            "isBase64Encoded": True,
        },
    }
    if kind == "raise":
        raise ValueError("results were asked to fail")
    if kind == "huge":  # over Lambda's 6 MB result limit
        return {"data": "x" * 6_300_000}
    if kind == "not-utf8":
        return b"\x80 not JSON, not even UTF-8"  # the bootstrap sends bytes as they are
    return shapes[kind]


def sleepy(event: dict[str, Any], context: Any) -> dict[str, Any]:
    seconds = (event.get("queryStringParameters") or {}).get("seconds") or event.get("seconds", 0)
    time.sleep(float(seconds))
    return {"slept": event.get("seconds", 0), "pid": os.getpid()}


def crashy(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("crash"):
        print("about to exit")
        os._exit(3)
    if event.get("segfault"):
        ctypes.string_at(0)  # reads address 0: SIGSEGV
    return {"pid": os.getpid()}


HOG = "import sys, time\nhog = bytearray(int(sys.argv[1]) * 1024 * 1024)\nfor i in range(0, len(hog), 4096):\n    hog[i] = 1\ntime.sleep(5)\n"


def hungry(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("child_mb"):  # the memory is held by a child process: MemorySize covers it too
        import subprocess
        import sys

        subprocess.run([sys.executable, "-c", HOG, str(event["child_mb"])], check=False)
    hog = bytearray(int(event.get("mb", 1)) * 1024 * 1024)
    for i in range(0, len(hog), 4096):
        hog[i] = 1
    time.sleep(0.5)
    return {"allocated": len(hog) // (1024 * 1024), "pid": os.getpid()}
