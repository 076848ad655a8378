"""Errors raised while loading a project.

Class tree::

    ProjectError              no template/config found, or it cannot be used
    ├── TemplateError         the SAM template is malformed (keeps the file and the resource)
    └── ConfigError           the native config is malformed (keeps the file; the message names the key)
"""

from __future__ import annotations

from pathlib import Path


class ProjectError(Exception):
    """The project cannot be loaded."""


class TemplateError(ProjectError):
    """The SAM template is malformed."""

    def __init__(self, message: str, *, path: Path | None = None, resource: str | None = None) -> None:
        where = f"{path}" if path else "template"
        if resource:
            where += f", resource {resource}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.resource = resource


class ConfigError(ProjectError):
    """The native config (``lambdaworks.toml`` / ``[tool.lambdaworks]``) is malformed."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
