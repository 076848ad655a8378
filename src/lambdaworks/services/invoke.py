"""The emulator's Invoke API, called as Lambda's pollers and notifiers call Lambda."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

#: How long an invoke may take before the connection gives up (a function's timeout is at most 900 s).
READ_TIMEOUT = 960.0


@dataclass(frozen=True)
class Result:
    """What the Invoke API answered: ``status`` 200/202, 429 when throttled, 0 when unreachable."""

    status: int
    function_error: str | None = None
    body: bytes = b""

    @property
    def ok(self) -> bool:
        return self.status in (200, 202) and self.function_error is None


class LambdaApi:
    """Invokes functions through the emulator's Invoke API (one keep-alive connection per thread)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(self.host, self.port, timeout=READ_TIMEOUT)
        return connection

    def invoke(self, function: str, payload: bytes, *, asynchronous: bool = False) -> Result:
        """One invoke; a connection failure is a ``status`` of 0, never an exception."""
        headers = {"Content-Type": "application/json"}
        if asynchronous:
            headers["X-Amz-Invocation-Type"] = "Event"
        try:
            connection = self._connection()
            connection.request("POST", f"/2015-03-31/functions/{function}/invocations", payload, headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.local.connection = None
            return Result(0)
        return Result(response.status, response.getheader("X-Amz-Function-Error"), body)

    def invoke_until_accepted(self, function: str, payload: bytes, stop: threading.Event) -> bool:
        """An asynchronous invoke, tried again until the emulator has queued it (or ``stop``)."""
        delay = 0.05
        while not stop.is_set():
            if self.invoke(function, payload, asynchronous=True).status == 202:
                return True
            stop.wait(delay)
            delay = min(delay * 2, 2.0)
        return False


class Notifier:
    """Asynchronous invokes from moto's request threads, sent in order by one thread of their own, so
    a write to S3 or a publish never waits for the emulator."""

    def __init__(self, api: LambdaApi, stop: threading.Event) -> None:
        self.api = api
        self.stop = stop
        self.pending: list[tuple[str, bytes]] = []
        self.sending = 0  # taken from pending, not yet accepted
        self.ready = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="notifier", daemon=True)
        self.thread.start()

    def send(self, function: str, payload: bytes) -> None:
        with self.ready:
            self.pending.append((function, payload))
            self.ready.notify()

    def _run(self) -> None:
        while not self.stop.is_set():
            with self.ready:
                while not self.pending and not self.stop.is_set():
                    self.ready.wait(0.5)
                batch, self.pending = self.pending, []
                self.sending = len(batch)
            for function, payload in batch:
                self.api.invoke_until_accepted(function, payload, self.stop)
                self.sending -= 1

    def drain(self, timeout: float = 10.0) -> None:
        """At a stop, before ``stop`` is set: wait for what is pending to be accepted by the emulator
        (which stops the services before its own Invoke API), so a notification is not lost."""
        deadline = time.monotonic() + timeout
        while (self.pending or self.sending) and time.monotonic() < deadline:
            time.sleep(0.02)
