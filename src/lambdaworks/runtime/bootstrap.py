"""A Lambda Runtime API client: ``python -m lambdaworks.runtime.bootstrap``.

Stdlib only and small, so it starts fast. It is what the local emulator runs in each execution
environment, and it works in AWS as a custom runtime too. It reads the standard variables
(``AWS_LAMBDA_RUNTIME_API``, ``_HANDLER``, ``LAMBDA_TASK_ROOT``), imports the handler once (init),
then loops: ``GET /invocation/next`` -> handler -> ``POST /response`` (or ``/error``). Where the
local emulator offers the Runtime API on a Unix socket too (``LAMBDAWORKS_RUNTIME_SOCKET``), it
connects there instead.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import sys
import traceback
from json.scanner import make_scanner

from lambdaworks.runtime.context import LambdaContext
from lambdaworks.runtime.logformat import CURRENT
from lambdaworks.runtime.logformat import install as install_logging
from lambdaworks.runtime.readonly import BYTECODE_VARIABLE, protect
from lambdaworks.runtime.readonly import VARIABLE as READ_ONLY_VARIABLE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    Response = tuple[int, dict[str, str], bytes]

    class Client(Protocol):
        """What the loop needs of its way to the emulator or Lambda: the Runtime API, or the lane."""

        def first(self) -> Response: ...
        def report(self, request_id: str, error_type: str | None, body: bytes, content_type: str) -> Response: ...
        def init_error(self, error_type: str, body: bytes) -> None: ...


BASE = "/2018-06-01/runtime"
NEXT = "/invocation/next"
#: Set by the local emulator: the address of its fast lane (:mod:`lambdaworks.runtime.lane`).
SOCKET_VARIABLE = "LAMBDAWORKS_RUNTIME_SOCKET"


#: Python runtimes whose JSON keeps non-ASCII characters as they are (AWS's client does the same).
UNESCAPED = tuple(f"AWS_Lambda_python3.{minor}" for minor in (12, 13, 14, 15))
ASCII_ONLY = not os.environ.get("AWS_EXECUTION_ENV", "").startswith(UNESCAPED)


class RuntimeFault(Exception):
    """An error the runtime reports itself (``Runtime.*``), with AWS's message and trace shapes."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


def stack_trace(tb: Any) -> list[str]:
    """The traceback as AWS's runtime formats it: the bootstrap's leading frames dropped, no carets."""
    entries = [(frame.filename, frame.lineno or 0, frame.name, frame.line) for frame in traceback.extract_tb(tb)]
    while len(entries) > 1 and entries[0][0] == __file__:
        del entries[0]
    return traceback.format_list(entries)


def error_payload(exc: BaseException, request_id: str = "") -> dict[str, Any]:
    """AWS's error shape: ``errorMessage``, ``errorType``, ``requestId``, ``stackTrace``."""
    if isinstance(exc, RuntimeFault):
        return {
            "errorMessage": exc.message,
            "errorType": exc.error_type,
            "requestId": request_id,
            "stackTrace": exc.trace,
        }
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": stack_trace(exc.__traceback__),
    }


def log_error(payload: dict[str, Any]) -> None:
    """``[ERROR] Type: message`` and the trace, as the runtime writes it to the function's log."""
    lines = [f"[ERROR] {payload['errorType']}: {payload['errorMessage']}", "Traceback (most recent call last):"]
    for entry in payload["stackTrace"]:
        lines.extend(entry.splitlines())
    print("\n".join(lines), flush=True)


def _json_default(value: Any) -> Any:
    """Decimals (DynamoDB's numbers) become JSON numbers, as AWS's runtime encodes them."""
    if type(value).__module__ == "decimal" and type(value).__name__ == "Decimal":
        if value.is_nan():
            return float("nan")
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


#: One encoder for every result: ``json.dumps`` with options builds a new one per call.
ENCODER = json.JSONEncoder(default=_json_default, ensure_ascii=ASCII_ONLY)


def _c_encoder() -> tuple[Any, dict[int, Any]] | None:
    """json's C encoder, made once with ENCODER's options (``ENCODER.encode`` makes one per call, in
    Python), and the dict it tracks containers in; None where this Python has none, or builds it
    another way (checked on a sample)."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:
        return None
    markers: dict[int, Any] = {}
    try:
        encode = make(
            markers,
            _json_default,
            encoder.encode_basestring_ascii if ASCII_ONLY else encoder.encode_basestring,
            None,
            ": ",
            ", ",
            False,
            False,
            True,
        )
        sample = {"a": [1, 2.5, "\u00e9", None, True, float("inf")], "b": {}}
        if "".join(encode(sample, 0)) != ENCODER.encode(sample):
            return None
    except Exception:
        return None
    return encode, markers


_C_ENCODER = _c_encoder()


def marshal(result: Any) -> tuple[bytes, str]:
    """The response body and its content type: bytes as they are, anything else as JSON."""
    if isinstance(result, bytes):
        return result, "application/unknown"
    try:
        if _C_ENCODER is None or isinstance(result, str):
            text = ENCODER.encode(result)
        else:
            encode, markers = _C_ENCODER
            try:
                text = "".join(encode(result, 0))
            finally:
                markers.clear()  # what a failed encoding left behind would read as a cycle next time
    except Exception as exc:
        raise RuntimeFault("Runtime.MarshalError", f"Unable to marshal response: {exc}") from None
    return text.encode("utf-8", "surrogatepass"), "application/json"


#: json's C scanner, called straight: one call for a compact event where ``json.loads`` takes three
#: Python frames and two whitespace matches.
_SCAN: Any = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # a decoder is what it takes


def unmarshal(body: bytes, content_type: str) -> Any:
    """The event: parsed JSON, or the raw bytes when the invocation was not JSON."""
    if content_type != "application/json":
        return body
    try:
        if body[:1] in (b"{", b"[") and body[1:2] != b"\x00":  # UTF-8 (so every event Lambda sends):
            text = body.decode("utf-8", "surrogatepass")  # json.loads(bytes) sniffs first
            try:
                event, end = _SCAN(text, 0)
                if end == len(text):
                    return event
            except StopIteration:  # json.loads says what is wrong
                pass
            return json.loads(text)  # whitespace around the value, or what follows it: json's verdict
        return json.loads(body)  # UTF-16 and UTF-32 too, as the Python runtime takes them
    except Exception as exc:
        raise RuntimeFault("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}") from None


class RuntimeClient:
    """Speaks the Runtime API over one keep-alive connection.

    A few lines of HTTP/1.1 on a socket instead of ``http.client``, whose header parsing (the
    email package) costs more than the rest of a warm invocation. Handles Content-Length and
    chunked bodies; reconnects once if the other side closed the connection.

    ``pipelined`` sends an outcome and the next ``GET`` in one write: one wake-up per invocation
    instead of two. The emulator asks for it (``LAMBDAWORKS_LOCAL``); on AWS the client waits.
    """

    def __init__(self, address: str, pipelined: bool = False) -> None:
        host, _, port = address.rpartition(":")
        self.address = (host.strip("[]") or "127.0.0.1", int(port))
        self.host = address
        self.pipelined = pipelined
        self.sock: socket.socket | None = None
        self.buffer = bytearray()
        self.chunk = bytearray(262144)
        self.view = memoryview(self.chunk)

    def connect(self) -> socket.socket:
        self.close()
        sock = socket.create_connection(self.address)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # small request/response pairs
        self.sock = sock
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buffer = bytearray()

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One request, one response."""
        return self.exchange([self.message(method, path, body, headers)])[0]

    def message(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> bytes:
        head = f"{method} {BASE}{path} HTTP/1.1\r\nHost: {self.host}\r\n"
        for name, value in (headers or {}).items():
            head += f"{name}: {value}\r\n"
        if body is not None:
            head += f"Content-Length: {len(body)}\r\n"
        return (head + "\r\n").encode("latin-1") + (body or b"")

    def exchange(self, messages: list[bytes]) -> list[tuple[int, dict[str, str], bytes]]:
        """Send ``messages`` in one write (HTTP/1.1 pipelining) and read their responses in order."""
        for attempt in (1, 2):
            sock = self.sock if self.sock is not None else self.connect()
            try:
                sock.sendall(b"".join(messages))
                responses = [self._response(sock) for _ in messages]
            except (ConnectionError, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue  # the emulator restarted its side: reconnect once
            if any(headers.get("connection", "").lower() == "close" for _, headers, _ in responses):
                self.close()
            return responses
        raise ConnectionError("unreachable")  # pragma: no cover

    def _fill(self, sock: socket.socket) -> None:
        # into one reused buffer: recv(256 KB) would map and unmap fresh memory on every call
        size = sock.recv_into(self.chunk)
        if not size:
            raise ConnectionError("the Runtime API closed the connection")
        self.buffer += self.view[:size]

    def _until(self, sock: socket.socket, marker: bytes) -> bytes:
        while (end := self.buffer.find(marker)) < 0:
            self._fill(sock)
        line = bytes(self.buffer[:end])
        del self.buffer[: end + len(marker)]
        return line

    def _exactly(self, sock: socket.socket, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill(sock)
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def _response(self, sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
        lines = self._until(sock, b"\r\n\r\n").decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int(self._until(sock, b"\r\n").split(b";", 1)[0], 16):
                parts.append(self._exactly(sock, size))
                self._until(sock, b"\r\n")
            while self._until(sock, b"\r\n"):  # trailers, then the blank line
                pass
            return status, headers, b"".join(parts)
        return status, headers, self._exactly(sock, int(headers.get("content-length", "0")))

    def first(self) -> Response:
        """The first invocation (init is done)."""
        return self.request("GET", NEXT)

    def report(self, request_id: str, error_type: str | None, body: bytes, content_type: str) -> Response:
        """Post an invocation's result (``error_type`` None) or error, and return the next invocation."""
        if error_type is None:
            outcome = self.message("POST", f"/invocation/{request_id}/response", body, {"Content-Type": content_type})
        else:
            headers = {"Content-Type": content_type, "Lambda-Runtime-Function-Error-Type": error_type}
            outcome = self.message("POST", f"/invocation/{request_id}/error", body, headers)
        if self.pipelined:
            return self.exchange([outcome, self.message("GET", NEXT)])[1]
        self.exchange([outcome])
        return self.request("GET", NEXT)

    def init_error(self, error_type: str, body: bytes) -> None:
        headers = {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_type}
        self.request("POST", "/init/error", body, headers)


def load_handler(spec: str) -> Any:
    """``"package.module.function"`` -> the function (Lambda's ``_HANDLER`` format).

    Failures raise :class:`RuntimeFault` with AWS's types and messages (``Runtime.ImportModuleError``
    "Unable to import module 'app': No module named 'requests'", ...); an exception raised by the
    module's own code at import is reported as itself.
    """
    try:
        module_name, attr = spec.rsplit(".", 1)
    except ValueError as exc:
        raise RuntimeFault("Runtime.MalformedHandlerName", f"Bad handler '{spec}': {exc}") from None
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise RuntimeFault(
            "Runtime.BuiltInModuleConflict", f"Cannot use built-in module {module_name} as a handler module"
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        raise RuntimeFault("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}") from None
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        raise RuntimeFault(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}", trace
        ) from None
    try:
        return getattr(module, attr)
    except AttributeError:
        raise RuntimeFault("Runtime.HandlerNotFound", f"Handler '{attr}' missing on module '{module_name}'") from None


TRACE_ID = "_X_AMZN_TRACE_ID"


def set_trace_id(value: str) -> None:
    """``os.environ["_X_AMZN_TRACE_ID"] = value`` for Python code (the X-Ray SDK, OpenTelemetry),
    without C's ``setenv``: glibc keeps every value it is given, about 110 bytes per invocation for
    the life of the process (32 MB in 300,000 invocations), and the call costs more than the rest of
    a warm invocation's bookkeeping. A child process started without ``env=`` inherits the C
    environment and so not this value; ``env=os.environ`` (or a copy) hands it on."""
    if _TRACE_SLOT is None:  # not CPython's os._Environ: the public way
        os.environ[TRACE_ID] = value
    else:
        data, key, encode_value = _TRACE_SLOT
        data[key] = encode_value(value)


def _trace_slot() -> tuple[dict[Any, Any], Any, Any] | None:
    """Where :func:`set_trace_id` writes (``os.environ``'s own dict, the key as it is stored, and how a
    value is stored), found once; None where ``os.environ`` is not CPython's."""
    environ = os.environ
    data = getattr(environ, "_data", None)
    encode_key = getattr(environ, "encodekey", None)
    encode_value = getattr(environ, "encodevalue", None)
    if isinstance(data, dict) and encode_key is not None and encode_value is not None:
        return data, encode_key(TRACE_ID), encode_value
    return None


_TRACE_SLOT = _trace_slot()


def flush_output() -> None:
    """Flush the function's output before its outcome is reported, so the emulator logs all of it
    before the invocation's END."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a stream the function closed or replaced
        pass


def function_settings() -> dict[str, Any]:
    """The context fields that hold for the life of the environment (read once: each lookup in
    ``os.environ`` encodes and decodes)."""
    env = os.environ
    return {
        "function_name": env.get("AWS_LAMBDA_FUNCTION_NAME", "function"),
        "function_version": env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        "memory_limit_in_mb": int(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")),
        "log_group_name": env.get("AWS_LAMBDA_LOG_GROUP_NAME"),
        "log_stream_name": env.get("AWS_LAMBDA_LOG_STREAM_NAME", ""),
    }


def invoke(client: Client, handler: Any, invocation: Response, settings: dict[str, Any] | None = None) -> Response:
    """Run one invocation, report its outcome, and return the next invocation.

    ``settings`` are :func:`function_settings`, read once by the caller.
    """
    _, headers, body = invocation
    request_id = CURRENT[0] = headers.get("lambda-runtime-aws-request-id", "")
    context = LambdaContext(
        **(settings if settings is not None else function_settings()),
        aws_request_id=request_id,
        invoked_function_arn=headers.get("lambda-runtime-invoked-function-arn"),
        deadline_ms=int(headers.get("lambda-runtime-deadline-ms", "0")) or None,
        client_context=json.loads(headers["lambda-runtime-client-context"])
        if headers.get("lambda-runtime-client-context")
        else None,
        identity=json.loads(headers["lambda-runtime-cognito-identity"])
        if headers.get("lambda-runtime-cognito-identity")
        else None,
    )
    if "lambda-runtime-trace-id" in headers:
        set_trace_id(headers["lambda-runtime-trace-id"])
    try:
        event = unmarshal(body, headers.get("content-type", "application/json"))
        payload, content_type = marshal(handler(event, context))
    except Exception as exc:
        error = error_payload(exc, request_id)
        log_error(error)
        flush_output()
        return client.report(request_id, error["errorType"], json.dumps(error).encode(), "application/json")
    flush_output()
    return client.report(request_id, None, payload, content_type)


#: Set when the emulator runs a built package: the folder this module was imported from, to hide
#: from the handler so that its ``import lambdaworks`` finds the package's own copy, or fails as on AWS.
HIDE = "_LAMBDAWORKS_BOOTSTRAP_PATH"


def hide_bootstrap(folder: str | None) -> None:
    """Drop ``folder`` from the import path and forget the lambdaworks modules loaded from it."""
    if not folder:
        return
    sys.path[:] = [p for p in sys.path if p != folder]
    for name in [m for m in sys.modules if m == "lambdaworks" or m.startswith("lambdaworks.")]:
        del sys.modules[name]


#: Set by the emulator: its process id, which the environment must not outlive.
PARENT_VARIABLE = "LAMBDAWORKS_PARENT_PID"


def contain(parent: str | None) -> None:
    """Locally, on Linux: die with the emulator (``PR_SET_PDEATHSIG``), even when it is killed with
    ``kill -9``, and keep this process's environment and memory from other processes of the same
    user (``PR_SET_DUMPABLE`` 0: ``/proc/<pid>/environ`` holds the function's secrets)."""
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except (OSError, AttributeError):  # no prctl here: nothing to contain with
        return
    if str(os.getppid()) != parent:  # the emulator died before the signal was armed
        os._exit(1)


def connect() -> Client:
    """The emulator's fast lane where it offers one (the function's output then goes on it too),
    else the Runtime API."""
    lane_address = os.environ.pop(SOCKET_VARIABLE, None)
    if lane_address:
        from lambdaworks.runtime.lane import LaneClient, lane_stream

        lane = LaneClient(lane_address)
        sys.stdout = lane_stream(lane, sys.stdout)
        sys.stderr = lane_stream(lane, sys.stderr)
        return lane
    return RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"], os.environ.get("LAMBDAWORKS_LOCAL") == "1")


def main() -> None:
    """Init (import the handler; report an init error and exit on failure), then serve forever."""
    contain(os.environ.pop(PARENT_VARIABLE, None))
    client = connect()
    task_root = os.environ.get("LAMBDA_TASK_ROOT")
    if task_root and task_root not in sys.path:
        sys.path.insert(0, task_root)
    install_logging(os.environ)  # as Lambda's runtime does before it imports the handler
    read_only = os.environ.get(READ_ONLY_VARIABLE)
    if read_only:  # the emulator's code folder and layers, read-only as /var/task and /opt are
        protect(read_only.split(os.pathsep), os.environ.get(BYTECODE_VARIABLE))
    hide_bootstrap(os.environ.pop(HIDE, None))
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except Exception as exc:
        error = error_payload(exc)
        log_error(error)
        flush_output()
        client.init_error(error["errorType"], json.dumps(error).encode())
        sys.exit(1)
    settings = function_settings()
    invocation = client.first()
    while True:
        invocation = invoke(client, handler, invocation, settings)


if __name__ == "__main__":
    main()
