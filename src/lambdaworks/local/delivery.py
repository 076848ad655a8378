"""Asynchronous invocations as Lambda runs them: queued durably, retried, then sent to destinations.

An event is written to the :class:`~lambdaworks.local.store.Store` before the caller gets its 202.
Delivery follows the function's ``EventInvokeConfig``: a function error (including a timeout or a
crash) is retried up to ``MaximumRetryAttempts`` times, one and then two "minutes" apart; a throttle
is retried with exponential backoff without using up a retry. An event older than
``MaximumEventAgeInSeconds`` is not attempted again. The record of a finished event goes to
``OnSuccess``/``OnFailure``/``DeadLetterQueue``: a function of the project is invoked with it, any
other destination is the local dead-letter store. A failed event with no destination at all is kept
there too (AWS would discard it), so nothing accepted is ever lost.

``retry_delay`` is Lambda's "minute": 60 seconds by default. Every async timing (backoffs and the
maximum event age) is scaled by ``retry_delay / 60`` so tests and demos can run them in moments.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import time
from collections import Counter
from typing import Any

from lambdaworks.local.config import MINUTE
from lambdaworks.local.destinations import ServiceSender, envelope
from lambdaworks.local.invocation import Outcome
from lambdaworks.local.invoker import Invoker
from lambdaworks.local.live import LiveProject
from lambdaworks.local.logs import Logs
from lambdaworks.local.pool import Throttled
from lambdaworks.local.store import QueuedEvent, Store
from lambdaworks.project.model import Destination, Function, function_arn

POLL = 0.5  # seconds between looks at the store for events other processes queued (redrives)
LEASE_BATCH = 64
THROTTLE_FIRST = 1.0  # AWS: throttles back off from one second ...
THROTTLE_MAX = 300.0  # ... doubling up to five minutes


def throttle_backoff(throttles: int, scale: float = 1.0) -> float:
    """Seconds before a throttled event is tried again, after ``throttles`` throttles in a row: one
    second, doubling, at most five minutes (a throttle uses no retry)."""
    return float(min(THROTTLE_FIRST * 2.0 ** (throttles - 1), THROTTLE_MAX) * scale)


def retry_delay(attempts: int, scale: float = 1.0) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones: one minute, then two."""
    return MINUTE * attempts * scale


def too_old(accepted: float, now: float, max_age: float, scale: float = 1.0) -> bool:
    """Whether an event accepted at ``accepted`` is past ``MaximumEventAgeInSeconds`` at ``now``."""
    return now - accepted > max_age * scale


def destination_record(event: QueuedEvent, condition: str, attempts: int, outcome: Outcome | None) -> dict[str, Any]:
    """The invocation record Lambda sends to a destination."""
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z",
        "requestContext": {
            "requestId": event.id,
            "functionArn": f"{function_arn(event.function)}:$LATEST",
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": json.loads(event.payload),
    }
    if outcome is not None:
        response: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if outcome.failed:
            response["functionError"] = "Unhandled"
        record["responseContext"] = response
        try:
            record["responsePayload"] = json.loads(outcome.payload) if outcome.payload else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            record["responsePayload"] = outcome.payload.decode("utf-8", "replace")
    return record


def dead_letter_message(event: QueuedEvent, outcome: Outcome | None, condition: str) -> dict[str, Any]:
    """What a ``DeadLetterQueue`` receives: the event itself, with Lambda's three message attributes."""
    message = condition
    if outcome is not None:
        with contextlib.suppress(ValueError, AttributeError):
            message = json.loads(outcome.payload).get("errorMessage", condition)
    return {
        "body": json.loads(event.payload),
        "messageAttributes": {"RequestID": event.id, "ErrorCode": "200", "ErrorMessage": str(message)},
    }


class AsyncDelivery:
    """Accepts asynchronous events and delivers them until each one is done or dead-lettered."""

    def __init__(
        self, invoker: Invoker, live: LiveProject, logs: Logs, store: Store, retry_delay: float = MINUTE
    ) -> None:
        self.invoker = invoker
        self.live = live
        self.logs = logs
        self.sender: ServiceSender | None = None  # set while the local AWS services run
        self.store = store
        self.scale = retry_delay / MINUTE
        self.in_flight: Counter[str] = Counter()
        self.throttles: Counter[str] = Counter()
        self.wake = asyncio.Event()
        self.tasks: set[asyncio.Task[None]] = set()

    def accept(self, function: str, payload: bytes, *, source: str = "invoke") -> str:
        """Queue ``payload`` for ``function`` durably; returns the request id (the caller's 202)."""
        event_id = self.store.enqueue(function, payload, source=source)
        self.wake.set()
        return event_id

    async def run(self) -> None:
        """Deliver until cancelled. Leases left by a killed emulator are taken up again first."""
        recovered = self.store.recover()
        if recovered:
            self.logs.line("lambdaworks", f"{recovered} async events were in flight at the last stop: retrying")
        while True:
            self.wake.clear()
            now = time.time()
            busy = frozenset(name for name, count in self.in_flight.items() if count >= self._limit(name))
            events = self.store.lease_due(now, LEASE_BATCH, busy)
            for event in events:
                self.in_flight[event.function] += 1
                task = asyncio.create_task(self.attempt(event))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            if events:
                await asyncio.sleep(0)
                continue
            due = self.store.next_due()
            wait = POLL if due is None or due <= now else min(POLL, due - now)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.wake.wait(), wait)

    def _limit(self, name: str) -> int:
        function = self.live.current.functions.get(name)
        return function.concurrency if function is not None else 1

    async def attempt(self, event: QueuedEvent) -> None:
        """One delivery attempt of ``event``; leaves it retried, forwarded or recorded."""
        try:
            await self._attempt(event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never lose the event to a bug of ours: try again shortly
            self.logs.line("lambdaworks", f"async event {event.id}: delivery error {exc!r}; retrying")
            self.store.retry(event.id, time.time() + THROTTLE_FIRST * self.scale, counted=False)
        finally:
            self.in_flight[event.function] -= 1
            self.wake.set()

    async def _attempt(self, event: QueuedEvent) -> None:
        if event.function.startswith("arn:"):  # a record on its way to a local queue, topic or bus
            await self._deliver_record(event)
            return
        function = self.live.current.functions.get(event.function)
        if function is None:
            self._failed(event, None, "FunctionNotFound", event.attempts)
            return
        config = function.async_config
        if too_old(event.accepted, time.time(), config.max_event_age, self.scale):
            self.throttles.pop(event.id, None)
            self._failed(event, None, "EventAgeExceeded", event.attempts, function)
            return
        try:
            outcome = await self.invoker.invoke(event.function, event.payload, wait=1.0, request_id=event.id)
        except Throttled:
            self.throttles[event.id] += 1
            self.store.retry(
                event.id, time.time() + throttle_backoff(self.throttles[event.id], self.scale), counted=False
            )
            return
        self.throttles.pop(event.id, None)
        attempts = event.attempts + 1
        if not outcome.failed:
            self._succeeded(event, outcome, attempts, function)
        elif attempts > config.max_retries:
            self._failed(event, outcome, "RetriesExhausted", attempts, function)
        else:
            delay = retry_delay(attempts, self.scale)
            self.logs.line(
                event.function,
                f"async event {event.id}: attempt {attempts} failed ({outcome.error_type}); retry in {delay:g}s",
            )
            self.store.retry(event.id, time.time() + delay)

    async def _deliver_record(self, event: QueuedEvent) -> None:
        if self.sender is not None and await self.sender.send(event.function, event.payload):
            self.store.finish(event)
            return
        self.throttles[event.id] += 1  # the services are not up (yet): try again, backing off
        self.store.retry(event.id, time.time() + throttle_backoff(self.throttles[event.id], self.scale), counted=False)

    def _succeeded(self, event: QueuedEvent, outcome: Outcome, attempts: int, function: Function) -> None:
        target = function.async_config.on_success
        if target is None:
            self.store.finish(event)
            return
        record = destination_record(event, "Success", attempts, outcome)
        self._send(event, [("OnSuccess", target, record)])

    def _failed(
        self,
        event: QueuedEvent,
        outcome: Outcome | None,
        condition: str,
        attempts: int,
        function: Function | None = None,
    ) -> None:
        config = function.async_config if function is not None else None
        sends: list[tuple[str, Destination | None, dict[str, Any]]] = []
        if config is not None and config.on_failure is not None:
            sends.append(("OnFailure", config.on_failure, destination_record(event, condition, attempts, outcome)))
        if config is not None and config.dead_letter is not None:
            sends.append(("DeadLetterQueue", config.dead_letter, dead_letter_message(event, outcome, condition)))
        if not sends:  # AWS would discard it; we keep it where `lambdaworks dead-letters` can redrive it
            sends.append(("none", None, destination_record(event, condition, attempts, outcome)))
        self._send(event, sends, condition)

    def _send(
        self,
        event: QueuedEvent,
        sends: list[tuple[str, Destination | None, dict[str, Any]]],
        condition: str = "Success",
    ) -> None:
        records: list[tuple[str, str, dict[str, Any]]] = []
        forwards: list[tuple[str, bytes]] = []
        for kind, target, body in sends:
            if target is not None and target.function is not None:
                forwards.append((target.function, json.dumps(body).encode()))
                where = f"{kind} function {target.function}"
            elif target is not None and self.sender is not None and self.sender.handles(target.arn):
                forwards.append((target.arn, envelope(kind, body)))
                where = f"{kind} {target.arn} (local services)"
            else:
                label = f"{kind} {target.arn}" if target is not None else "no destination configured"
                records.append((condition, label, body))
                where = f"the dead-letter store ({label})" if condition != "Success" else f"the store ({label})"
            self.logs.line(event.function, f"async event {event.id}: {condition} -> {where}")
        self.store.finish(event, records, forwards)
        if forwards:
            self.wake.set()

    async def close(self) -> None:
        """Stop attempts in progress; their events stay queued and run again at the next start."""
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.store.recover()
