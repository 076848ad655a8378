"""Hot reload: a saved file under a function's CodeUri or layer retires that function's environments;
a saved template (or env-vars file) reloads the project. The backend is chosen in one place:
watchfiles (inotify and friends), else stat polling."""

from __future__ import annotations

import asyncio
import os
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
        self.stop = asyncio.Event()

    async def run(self) -> None:
        try:
            if self.force_polling:
                raise ImportError
            from watchfiles import awatch
        except ImportError:
            await self._poll()
            return
        while not self.stop.is_set():
            roots = watch_roots(self.live.current)
            async for changes in awatch(*roots, debounce=30, step=10, stop_event=self.stop, recursive=True):
                await self._dispatch({Path(p) for _, p in changes})
                if watch_roots(self.live.current) != roots:  # the template moved code: watch the new folders
                    break

    async def _poll(self) -> None:
        seen = self._snapshot()
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
