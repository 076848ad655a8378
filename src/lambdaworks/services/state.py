"""The services' contents across restarts: objects, messages, items, topics and buses.

moto keeps each service's state in Python objects; they are written (pickled) to the state folder
one file per service (``.lambdaworks/services/<service>.pickle``), a moment after a request
changed that service and again at a clean stop, and read back at the next start before the
template's resources are created. What changed in the last moment before a ``kill -9`` is lost.
A file moto can no longer read (another moto version) is set aside with a warning, and the
service starts empty.

The files are the developer's own, beside the project, and are read only from there.
"""

from __future__ import annotations

import copyreg
import importlib
import pickle
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lambdaworks.wire.common import ACCOUNT

#: Each service's moto backends: ``module:attribute``.
BACKENDS = {
    "s3": "moto.s3.models:s3_backends",
    "sqs": "moto.sqs.models:sqs_backends",
    "sns": "moto.sns.models:sns_backends",
    "dynamodb": "moto.dynamodb.models:dynamodb_backends",
    "events": "moto.events.models:events_backends",
}
SAVE_EVERY = 0.5  # seconds between a change and its being written
ATTEMPTS = 3  # a request changing the state while it is read: read it again


def _picklable_locks() -> None:
    """A lock is written as a new, released lock (moto's SQS queues hold some)."""
    copyreg.pickle(type(threading.RLock()), lambda lock: (threading.RLock, ()))
    copyreg.pickle(type(threading.Lock()), lambda lock: (threading.Lock, ()))


def backends(service: str) -> Any:
    module, _, name = BACKENDS[service].partition(":")
    return getattr(importlib.import_module(module), name)


class StateKeeper:
    """Writes a service's state when it changed, and reads it back at start."""

    def __init__(self, folder: Path, log: Callable[[str], None]) -> None:
        self.folder = folder
        self.log = log
        self.dirty: set[str] = set()
        self.lock = threading.Lock()
        _picklable_locks()

    def path(self, service: str) -> Path:
        return self.folder / f"{service}.pickle"

    def restore(self) -> list[str]:
        """Read back what the last run left; returns the services restored."""
        restored = []
        for service in BACKENDS:
            path = self.path(service)
            if not path.is_file():
                continue
            try:
                regions = pickle.loads(path.read_bytes())
                account = backends(service)[ACCOUNT]
                for region, backend in regions.items():
                    account[region] = backend
            except Exception as exc:  # another moto version, a torn file: start this one empty
                aside = path.with_suffix(".unreadable")
                path.replace(aside)
                self.log(
                    f"{service}: the kept state could not be read ({type(exc).__name__}); starting empty, "
                    f"the old file is {aside}"
                )
                continue
            restored.append(service)
        return restored

    def mark(self, service: str) -> None:
        if service in BACKENDS:
            with self.lock:
                self.dirty.add(service)

    def save(self, services: Iterable[str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for service in services:
            for _ in range(ATTEMPTS):
                try:
                    data = pickle.dumps(dict(backends(service)[ACCOUNT]), protocol=pickle.HIGHEST_PROTOCOL)
                    break
                except RuntimeError:  # changed while being read ("dictionary changed size")
                    continue
            else:
                with self.lock:
                    self.dirty.add(service)  # next round
                continue
            partial = self.path(service).with_suffix(".partial")
            partial.write_bytes(data)
            partial.replace(self.path(service))

    def run(self, stop: threading.Event) -> None:
        """Write what changed, every SAVE_EVERY seconds, until ``stop``; then everything once more."""
        while not stop.wait(SAVE_EVERY):
            self.flush()
        self.flush()

    def flush(self) -> None:
        with self.lock:
            changed, self.dirty = self.dirty, set()
        if changed:
            self.save(sorted(changed))

    @staticmethod
    def forget(folder: Path) -> None:
        """``--fresh``: start every service empty."""
        for service in BACKENDS:
            (folder / f"{service}.pickle").unlink(missing_ok=True)
