"""The one holder of the project the emulator serves now: every part is handed it, and a template
reload replaces what it holds (and tells whoever asked to hear of it)."""

from __future__ import annotations

from collections.abc import Callable

from lambdaworks.project.model import Project


class LiveProject:
    """The current :class:`~lambdaworks.project.model.Project`."""

    def __init__(self, project: Project) -> None:
        self.current = project
        self._listeners: list[Callable[[Project], None]] = []

    def on_change(self, listener: Callable[[Project], None]) -> None:
        """Call ``listener`` with the new project after each :meth:`replace` (a gateway rebuilds its routes)."""
        self._listeners.append(listener)

    def replace(self, project: Project) -> Project:
        """Serve ``project`` from now on; returns the previous one."""
        previous, self.current = self.current, project
        for listener in self._listeners:
            listener(project)
        return previous
