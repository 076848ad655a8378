"""Errors of the packager.

BuildError                  a build cannot go on; the message says what to do
└── NoWheelError            a dependency has no wheel for the target (names it and the way out)

Going over Lambda's size limits is not an error here: the build finishes, the report says what is
over and what to do, and the command exits 1.
"""

from __future__ import annotations


class BuildError(Exception):
    """A build that cannot go on; ``str()`` is the message for the user."""


class NoWheelError(BuildError):
    """pip found no wheel of ``package`` for the target platform."""

    def __init__(self, message: str, package: str) -> None:
        super().__init__(message)
        self.package = package
