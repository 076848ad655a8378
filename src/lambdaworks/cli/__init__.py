"""The ``lambdaworks`` command: thin commands over the layers below.

``main`` (the click group) is imported on first use, so the console script's fast path
(:mod:`lambdaworks.cli.entry`) does not pay for click.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's, which the fast path would pay for
if TYPE_CHECKING:
    from lambdaworks.cli.main import main

__all__ = ["main"]


def __getattr__(name: str) -> object:
    if name == "main":
        from lambdaworks.cli.main import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
