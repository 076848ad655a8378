"""The entry point of a debugged execution environment (``lambdaworks dev --debug FUNCTION``),
run instead of the bootstrap's own: debugpy listens on loopback, then the bootstrap runs as always,
so the handler is imported with the debugger already there (with ``--wait-for-client`` the first
invocation waits for the IDE, and a breakpoint on module-level code is hit).

It lives beside the emulator, not in ``runtime/``, which ships inside functions and imports only the
standard library: only a debugged environment ever imports debugpy.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import MutableMapping

PORT_VARIABLE = "LAMBDAWORKS_DEBUG_PORT"
#: A debugged function's limits (timeout, init timeout): a day, what a breakpoint may stay paused.
DEBUG_LIMIT = 24 * 3600.0
WAIT_VARIABLE = "LAMBDAWORKS_DEBUG_WAIT"


def start_debugger(environ: MutableMapping[str, str] | None = None) -> bool:
    """Listen for a debugger if asked (the variables are removed, so the handler does not see them)."""
    environ = os.environ if environ is None else environ
    port = environ.pop(PORT_VARIABLE, None)
    wait = environ.pop(WAIT_VARIABLE, "") == "1"
    if not port:
        return False
    try:
        import debugpy
    except ImportError:
        sys.stderr.write("lambdaworks: --debug needs debugpy here: pip install 'lambdaworks[debug]'\n")
        return False
    debugpy.listen(("127.0.0.1", int(port)))
    sys.stdout.write(f"lambdaworks: debugger listening on 127.0.0.1:{port}\n")
    sys.stdout.flush()
    if wait:
        sys.stdout.write("lambdaworks: waiting for the debugger to attach before the handler is imported\n")
        sys.stdout.flush()
        debugpy.wait_for_client()
    return True


def main() -> None:
    start_debugger()
    from lambdaworks.runtime.bootstrap import main as bootstrap

    bootstrap()


if __name__ == "__main__":
    main()
