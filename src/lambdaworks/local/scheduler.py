"""Fires the project's schedules: each firing is an asynchronous invocation through the durable queue.

Like EventBridge, a firing missed while the emulator was stopped is not made up later; a ``rate``
counts its intervals from when the emulator started.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import time
from collections.abc import Callable

from lambdaworks.local.delivery import AsyncDelivery
from lambdaworks.local.live import LiveProject
from lambdaworks.local.logs import Logs
from lambdaworks.project.model import Schedule
from lambdaworks.project.schedule_expr import UTC, ScheduleExpression
from lambdaworks.wire.records import schedule_event

RECHECK = 60.0  # seconds: the longest sleep, so a clock jump is noticed


def schedule_payload(schedule: Schedule, when: float) -> bytes:
    """What a firing sends: the schedule's ``Input``, else the EventBridge scheduled event."""
    if schedule.input is not None:
        return schedule.input.encode()
    return json.dumps(schedule_event(schedule.rule, when)).encode()


def fire(enqueue: Callable[..., str], schedule: Schedule, when: float | None = None) -> str:
    """Queue one firing of ``schedule`` with ``enqueue`` (the emulator's ``AsyncDelivery.accept``, or
    ``Store.enqueue`` from another process); returns its request id."""
    payload = schedule_payload(schedule, when or time.time())
    return enqueue(schedule.function, payload, source=f"schedule:{schedule.key}")


class Scheduler:
    """Sleeps until the next firing of any enabled schedule, fires it, repeats."""

    def __init__(self, delivery: AsyncDelivery, live: LiveProject, logs: Logs) -> None:
        self.delivery = delivery
        self.live = live
        self.logs = logs
        live.on_change(lambda project: self.reloaded())
        self.started = datetime.datetime.now(UTC)
        self.changed = asyncio.Event()
        self.next: dict[str, datetime.datetime] = {}

    def plan(self, now: datetime.datetime) -> dict[str, tuple[Schedule, datetime.datetime]]:
        """The next firing of every enabled schedule (kept across calls, so one is never skipped)."""
        upcoming: dict[str, tuple[Schedule, datetime.datetime]] = {}
        for schedule in self.live.current.schedules:
            if not schedule.enabled:
                continue
            when = self.next.get(schedule.key)
            if when is None:
                expression = ScheduleExpression.parse(schedule.expression, schedule.timezone)
                when = expression.next_fire(now, self.started)
                if when is None:
                    continue
                self.next[schedule.key] = when
            upcoming[schedule.key] = (schedule, when)
        return upcoming

    async def run(self) -> None:
        logs = self.logs
        for _, (schedule, when) in sorted(self.plan(datetime.datetime.now(UTC)).items()):
            logs.line(
                schedule.function, f"schedule {schedule.name} {schedule.expression}: next at {when:%Y-%m-%d %H:%M} UTC"
            )
        while True:
            now = datetime.datetime.now(UTC)
            upcoming = self.plan(now)
            for key, (schedule, when) in upcoming.items():
                if when <= now:
                    del self.next[key]
                    request_id = fire(self.delivery.accept, schedule, when.timestamp())
                    logs.line(schedule.function, f"schedule {schedule.name} fired -> async event {request_id}")
            soonest = min((when for _, when in self.plan(now).values()), default=None)
            wait = RECHECK if soonest is None else max(0.0, min(RECHECK, (soonest - now).total_seconds()))
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), wait)

    def reloaded(self) -> None:
        """The template changed: plan every schedule afresh."""
        self.next.clear()
        self.changed.set()
