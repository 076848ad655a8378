"""Hot reload: a saved file under a function's CodeUri or layer retires that function's environments;
a saved template (or env-vars file) reloads the project. The backend is chosen in one place:
watchfiles (inotify and friends), else stat polling.

watchfiles' own ``awatch`` runs its watcher in anyio's worker threads, and importing anyio's
asyncio backend takes ~45 ms on the emulator's loop at start, just when the first request is due:
the watcher runs in a thread of ours instead (it waits with the GIL released)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from lambdaworks.local.live import LiveProject
from lambdaworks.project import layout
from lambdaworks.project.model import Project

IGNORED_DIRS = {
    "__pycache__",
    ".git",
    layout.FOLDER,
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
    ".venv",
}
IGNORED_SUFFIXES = (".pyc", ".pyo", ".swp", ".tmp", "~")
WATCH_START_LIMIT = 5.0  # seconds the emulator's start waits for the watcher to be set up


def relevant(path: Path) -> bool:
    """Changes worth a reload (not bytecode caches, editor swap files, VCS internals)."""
    return not (set(path.parts) & IGNORED_DIRS) and not path.name.endswith(IGNORED_SUFFIXES)


def affected(project: Project, changed: Iterable[Path]) -> tuple[set[str], bool]:
    """``(functions whose code or layers changed, whether the template changed)``."""
    functions: set[str] = set()
    template = False
    for path in changed:
        if path == project.source or path in project.inputs:
            template = True
            continue
        for function in project.functions.values():
            if any(path.is_relative_to(root) for root in (function.code_uri, *function.layers)):
                functions.add(function.name)
    return functions, template


def watch_roots(project: Project) -> list[Path]:
    """The fewest folders covering the template and every code and layer folder."""
    candidates = sorted(
        {
            project.source.parent,
            *(p.parent for p in project.inputs),
            *(p for f in project.functions.values() for p in (f.code_uri, *f.layers)),
        }
    )
    roots: list[Path] = []
    for path in candidates:
        if not any(path.is_relative_to(root) for root in roots):
            roots.append(path)
    return roots


class Reloader:
    """Watches the project and calls back with what changed."""

    def __init__(
        self,
        live: LiveProject,
        on_change: Callable[[set[str], bool], Awaitable[None]],
        *,
        force_polling: bool = False,
        interval: float = 0.1,
    ) -> None:
        self.live = live
        self.on_change = on_change
        self.force_polling = force_polling
        self.interval = interval
        self.stop = threading.Event()
        self._rewatch = threading.Event()  # the template moved code: the watcher starts over on new folders
        self._watching: asyncio.Future[None] | None = None

    async def start(self) -> asyncio.Task[None]:
        """Run :meth:`run` in a task, and return it once a file saved from now on is seen (the
        watcher's thread imports watchfiles meanwhile; the loop goes on serving), or after
        WATCH_START_LIMIT seconds."""
        self._watching = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(self.run())
        await asyncio.wait({self._watching, task}, timeout=WATCH_START_LIMIT, return_when=asyncio.FIRST_COMPLETED)
        return task

    async def run(self) -> None:
        if self.force_polling:
            await self._poll()
            return
        loop = asyncio.get_running_loop()
        found: asyncio.Queue[set[Path] | Exception] = asyncio.Queue()
        threading.Thread(
            target=self._watch, args=(loop, found.put_nowait), name="lambdaworks-reload", daemon=True
        ).start()
        while True:
            changed = await found.get()
            if isinstance(changed, Exception):  # no watchfiles, or its watcher failed: poll instead
                await self._poll()
                return
            roots = watch_roots(self.live.current)
            await self._dispatch(changed)
            if watch_roots(self.live.current) != roots:
                self._rewatch.set()

    def is_set(self) -> bool:
        """Whether the running watcher should return. watchfiles asks this every ``step`` from the
        watcher it has set up: the first time, we know changes are seen from now on."""
        watching = self._watching  # read once: the loop's thread clears it
        if watching is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed under us
                watching.get_loop().call_soon_threadsafe(self._watched)
        return self.stop.is_set() or self._rewatch.is_set()

    def _watched(self) -> None:
        if self._watching is not None and not self._watching.done():
            self._watching.set_result(None)
        self._watching = None

    def _watch(self, loop: asyncio.AbstractEventLoop, report: Callable[[set[Path] | Exception], None]) -> None:
        """The watcher thread: each batch of changes goes to the loop."""
        try:
            from watchfiles import watch

            while not self.stop.is_set():
                self._rewatch.clear()
                roots = watch_roots(self.live.current)
                for changes in watch(*roots, debounce=30, step=10, stop_event=self, raise_interrupt=False):
                    loop.call_soon_threadsafe(report, {Path(p) for _, p in changes})
        except (ImportError, OSError, RuntimeError) as exc:  # RuntimeError: the loop closed under us
            if not loop.is_closed():
                loop.call_soon_threadsafe(report, exc)

    async def _poll(self) -> None:
        seen = self._snapshot()
        self._watched()
        while not self.stop.is_set():
            await asyncio.sleep(self.interval)
            now = self._snapshot()
            changed = {p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)}
            seen = now
            if changed:
                await self._dispatch(changed)

    def _snapshot(self) -> dict[Path, tuple[int, int]]:
        stamps: dict[Path, tuple[int, int]] = {}
        for root in watch_roots(self.live.current):
            for folder, dirs, files in os.walk(root):
                dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
                for name in files:
                    path = Path(folder) / name
                    if relevant(path):
                        try:
                            stat = path.stat()
                        except OSError:
                            continue
                        stamps[path] = (stat.st_mtime_ns, stat.st_size)
        return stamps

    async def _dispatch(self, changed: set[Path]) -> None:
        changed = {p.resolve() for p in changed if relevant(p)}
        if not changed:
            return
        functions, template = affected(self.live.current, changed)
        if functions or template:
            await self.on_change(functions, template)
