"""The ``lambdaworks`` console script: an up-to-date ``build`` answers before click is imported."""

from __future__ import annotations

import sys
import time


def run() -> None:
    """Run the command line; see :mod:`lambdaworks.build.uptodate` for the no-op build's fast path."""
    started = time.perf_counter()
    args = sys.argv[1:]
    if args[:1] == ["build"]:
        from lambdaworks.build import uptodate

        if uptodate.replay(args, started):
            return
        uptodate.expect(args)
    from lambdaworks.cli.main import main

    main(prog_name="lambdaworks")
