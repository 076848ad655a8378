"""The emulator's durable state: accepted asynchronous events and the records of finished ones.

One SQLite file in the project's state directory (``.lambdaworks/state.db``), shared by the running
emulator and the ``lambdaworks dead-letters``/``schedule`` commands. WAL mode with
``synchronous=NORMAL``: a write is durable once committed unless the machine itself loses power,
so an event acknowledged with 202 survives ``kill -9`` of the emulator.

An event row is *leased* while an attempt runs. A lease left behind by a killed emulator is undone
at the next start, so the attempt is made again: delivery is at least once, as on AWS.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambdaworks.project import layout
from lambdaworks.runtime.context import new_request_id

#: The project's state folder (the async queue and dead-letter store), beside its template.

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    function TEXT NOT NULL,
    payload BLOB NOT NULL,
    accepted REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    due REAL NOT NULL,
    leased INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'invoke'
);
CREATE INDEX IF NOT EXISTS events_due ON events (leased, due);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL,
    function TEXT NOT NULL,
    condition TEXT NOT NULL,
    destination TEXT NOT NULL,
    created REAL NOT NULL,
    record TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class QueuedEvent:
    """An accepted asynchronous event waiting for (or in) an attempt."""

    id: str
    function: str
    payload: bytes
    accepted: float
    attempts: int
    due: float
    source: str


@dataclass(frozen=True)
class Record:
    """A finished event's record in the dead-letter store (``condition`` ``Success`` for OnSuccess ones)."""

    id: int
    request_id: str
    function: str
    condition: str
    destination: str
    created: float
    record: dict[str, Any]


def _record(row: tuple[Any, ...]) -> Record:
    return Record(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]))


class Store:
    """The SQLite file; every method commits before it returns. ``with Store(...)`` closes it."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / layout.STATE_FILE
        self.db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the queue -------------------------------------------------------------------------------

    def enqueue(self, function: str, payload: bytes, *, request_id: str | None = None, source: str = "invoke") -> str:
        """Accept an event (durably) and return its request id."""
        event_id = request_id or new_request_id()
        now = time.time()
        self.db.execute(
            "INSERT INTO events (id, function, payload, accepted, due, source) VALUES (?, ?, ?, ?, ?, ?)",
            (event_id, function, payload, now, now, source),
        )
        return event_id

    def recover(self) -> int:
        """Undo the leases of a previous emulator (its attempts never reported); returns how many."""
        return self.db.execute("UPDATE events SET leased = 0 WHERE leased = 1").rowcount

    def lease_due(self, now: float, limit: int, exclude: frozenset[str] = frozenset()) -> list[QueuedEvent]:
        """Lease up to ``limit`` events due by ``now``, oldest first, skipping ``exclude``'d functions."""
        skip = f" AND function NOT IN ({', '.join('?' * len(exclude))})" if exclude else ""
        rows = self.db.execute(
            "SELECT id, function, payload, accepted, attempts, due, source FROM events"
            f" WHERE leased = 0 AND due <= ?{skip} ORDER BY due LIMIT ?",
            (now, *sorted(exclude), limit),
        ).fetchall()
        leased = [QueuedEvent(*row) for row in rows]
        self.db.executemany("UPDATE events SET leased = 1 WHERE id = ?", [(e.id,) for e in leased])
        return leased

    def next_due(self) -> float | None:
        row = self.db.execute("SELECT MIN(due) FROM events WHERE leased = 0").fetchone()
        return None if row[0] is None else float(row[0])

    def retry(self, event_id: str, due: float, *, counted: bool = True) -> None:
        """Release ``event_id`` to run again at ``due`` (``counted``: the attempt used up a retry)."""
        self.db.execute(
            "UPDATE events SET leased = 0, due = ?, attempts = attempts + ? WHERE id = ?",
            (due, 1 if counted else 0, event_id),
        )

    def pending(self, function: str | None = None) -> list[QueuedEvent]:
        """Events not finished yet (queued or in an attempt)."""
        query = "SELECT id, function, payload, accepted, attempts, due, source FROM events"
        rows = self.db.execute(*(query + " WHERE function = ?", (function,)) if function else (query,))
        return [QueuedEvent(*row) for row in rows.fetchall()]

    # -- finishing an event ----------------------------------------------------------------------

    def finish(
        self,
        event: QueuedEvent,
        records: Sequence[tuple[str, str, dict[str, Any]]] = (),
        forwards: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        """Remove a finished event, store its ``(condition, destination, record)`` rows and queue
        ``(function, payload)`` for destination functions, all in one transaction."""
        now = time.time()
        with self._transaction():
            self.db.execute("DELETE FROM events WHERE id = ?", (event.id,))
            self.db.executemany(
                "INSERT INTO records (request_id, function, condition, destination, created, record)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(event.id, event.function, cond, where, now, json.dumps(body)) for cond, where, body in records],
            )
            for function, payload in forwards:
                self.enqueue(function, payload, source=f"destination:{event.function}")

    # -- the dead-letter store -------------------------------------------------------------------

    def records(self, *, failures_only: bool = True, function: str | None = None) -> list[Record]:
        query = "SELECT id, request_id, function, condition, destination, created, record FROM records WHERE 1 = 1"
        args: list[Any] = []
        if failures_only:
            query += " AND condition != 'Success'"
        if function:
            query += " AND function = ?"
            args.append(function)
        rows = self.db.execute(query + " ORDER BY id", args).fetchall()
        return [_record(row) for row in rows]

    def record(self, record_id: int) -> Record | None:
        row = self.db.execute(
            "SELECT id, request_id, function, condition, destination, created, record FROM records WHERE id = ?",
            (record_id,),
        ).fetchone()
        return None if row is None else _record(row)

    def redrive(self, record: Record, payload: bytes) -> str:
        """Queue ``payload`` for the record's function again and drop the record, atomically."""
        with self._transaction():
            self.db.execute("DELETE FROM records WHERE id = ?", (record.id,))
            return self.enqueue(record.function, payload, source="redrive")

    def purge(self, ids: list[int] | None = None) -> int:
        """Delete the given failure records (all of them when ``ids`` is None); returns how many."""
        if ids is None:
            return self.db.execute("DELETE FROM records WHERE condition != 'Success'").rowcount
        return sum(self.db.execute("DELETE FROM records WHERE id = ?", (i,)).rowcount for i in ids)

    def _transaction(self) -> Any:
        return _Transaction(self.db)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if kind is not None else "COMMIT")


def original_payload(record: Record) -> bytes:
    """The event a record was made for (destination records and DLQ messages both carry it)."""
    body = record.record
    return json.dumps(body["requestPayload"] if "requestPayload" in body else body.get("body")).encode()
