"""A Lambda Runtime API client: ``python -m lambdaworks.runtime.bootstrap``.

Stdlib only and small, so it starts fast. It is what the local emulator runs in each execution
environment, and it works in AWS as a custom runtime too. It reads the standard variables
(``AWS_LAMBDA_RUNTIME_API``, ``_HANDLER``, ``LAMBDA_TASK_ROOT``), imports the handler once (init),
then loops: ``GET /invocation/next`` -> handler -> ``POST /response`` (or ``/error``).
"""

from __future__ import annotations

import http.client
import importlib
import json
import os
import socket
import sys
import traceback

from lambdaworks.runtime.context import LambdaContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BASE = "/2018-06-01/runtime"


def error_payload(exc: BaseException, request_id: str | None = None) -> dict[str, Any]:
    """AWS's error shape: ``errorMessage``, ``errorType``, ``requestId``, ``stackTrace``."""
    frames = [f for f in traceback.format_tb(exc.__traceback__) if __file__ not in f]  # the user's frames only
    payload: dict[str, Any] = {"errorMessage": str(exc), "errorType": type(exc).__name__}
    if request_id is not None:
        payload["requestId"] = request_id
    payload["stackTrace"] = frames
    return payload


class RuntimeClient:
    """Speaks the Runtime API over one keep-alive connection."""

    def __init__(self, address: str) -> None:
        self.connection = http.client.HTTPConnection(address, timeout=None)
        self.connect()

    def connect(self) -> None:
        self.connection.close()
        self.connection.connect()
        if self.connection.sock is not None:  # small request/response pairs: never wait for Nagle
            self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            self.connection.request(method, BASE + path, body=body, headers=headers or {})
            response = self.connection.getresponse()
        except (ConnectionError, http.client.HTTPException):
            self.connect()  # the emulator restarted its side: reconnect once
            self.connection.request(method, BASE + path, body=body, headers=headers or {})
            response = self.connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

    def post_json(self, path: str, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.request("POST", path, body, {"Content-Type": "application/json", **(headers or {})})


def load_handler(spec: str) -> Any:
    """``"package.module.function"`` -> the function (Lambda's ``_HANDLER`` format)."""
    module_name, _, attr = spec.rpartition(".")
    if not module_name:
        raise ValueError(f"Bad handler {spec!r}: expected module.function")
    module = importlib.import_module(module_name.replace("/", "."))
    try:
        return getattr(module, attr)
    except AttributeError:
        raise AttributeError(f"Handler '{attr}' missing on module '{module_name}'") from None


def invoke(client: RuntimeClient, handler: Any) -> None:
    """Fetch one invocation, run it, report the outcome."""
    _, headers, body = client.request("GET", "/invocation/next")
    request_id = headers.get("lambda-runtime-aws-request-id", "")
    context = LambdaContext(
        function_name=os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function"),
        function_version=os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        memory_limit_in_mb=int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")),
        aws_request_id=request_id,
        invoked_function_arn=headers.get("lambda-runtime-invoked-function-arn"),
        log_group_name=os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME"),
        log_stream_name=os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", ""),
        deadline_ms=int(headers.get("lambda-runtime-deadline-ms", "0")) or None,
        client_context=json.loads(headers["lambda-runtime-client-context"])
        if headers.get("lambda-runtime-client-context")
        else None,
        identity=json.loads(headers["lambda-runtime-cognito-identity"])
        if headers.get("lambda-runtime-cognito-identity")
        else None,
    )
    if "lambda-runtime-trace-id" in headers:
        os.environ["_X_AMZN_TRACE_ID"] = headers["lambda-runtime-trace-id"]
    try:
        event = json.loads(body) if body else None
        result = handler(event, context)
        payload = json.dumps(result).encode()
    except Exception as exc:
        traceback.print_exc()
        sys.stdout.flush()
        client.post_json(
            f"/invocation/{request_id}/error",
            error_payload(exc),
            {
                "Lambda-Runtime-Function-Error-Type": f"Runtime.{type(exc).__name__}"
                if isinstance(exc, TypeError) and "JSON serializable" in str(exc)
                else type(exc).__name__
            },
        )
        return
    sys.stdout.flush()
    sys.stderr.flush()
    client.request("POST", f"/invocation/{request_id}/response", payload, {"Content-Type": "application/json"})


def main() -> None:
    """Init (import the handler; report an init error and exit on failure), then serve forever."""
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = os.environ.get("LAMBDA_TASK_ROOT")
    if task_root and task_root not in sys.path:
        sys.path.insert(0, task_root)
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except Exception as exc:
        traceback.print_exc()
        sys.stdout.flush()
        client.post_json(
            "/init/error", error_payload(exc), {"Lambda-Runtime-Function-Error-Type": f"Runtime.{type(exc).__name__}"}
        )
        sys.exit(1)
    while True:
        invoke(client, handler)


if __name__ == "__main__":
    main()
