"""Errors of the packager.

BuildError                  a build cannot go on; the message says what to do
├── NoWheelError            a dependency has no wheel for the target (names it and the way out)
└── SizeLimitError          an artifact is over Lambda's limits (says what to exclude or move)
"""

from __future__ import annotations


class BuildError(Exception):
    """A build that cannot go on; ``str()`` is the message for the user."""


class NoWheelError(BuildError):
    """pip found no wheel of ``package`` for the target platform."""

    def __init__(self, message: str, package: str) -> None:
        super().__init__(message)
        self.package = package


class SizeLimitError(BuildError):
    """An artifact (or a function with its layers) is over one of Lambda's size limits."""
