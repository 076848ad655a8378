"""The entry point of a debugged execution environment (``lambdaworks dev --debug FUNCTION``),
run instead of the bootstrap's own: the debugger starts, then the bootstrap runs as always, so the
handler is imported with the debugger already there.

- debugpy (VS Code) listens on loopback; with ``--wait-for-client`` the first invocation waits for
  the IDE, and a breakpoint on module-level code is hit.
- PyCharm's debugger (pydevd) works the other way round: PyCharm's "Python Debug Server" listens,
  and the environment connects to it (``pydevd_pycharm.settrace``), waiting until it is there; pydevd
  returns once PyCharm has sent its breakpoints, so module-level breakpoints are always hit.

It lives beside the emulator, not in ``runtime/``, which ships inside functions and imports only the
standard library: only a debugged environment ever imports a debugger.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import MutableMapping

PORT_VARIABLE = "LAMBDAWORKS_DEBUG_PORT"
#: A debugged function's limits (timeout, init timeout): a day, what a breakpoint may stay paused.
DEBUG_LIMIT = 24 * 3600.0
WAIT_VARIABLE = "LAMBDAWORKS_DEBUG_WAIT"
#: Which debugger: ``debugpy`` (the default) or ``pycharm``.
DEBUGGER_VARIABLE = "LAMBDAWORKS_DEBUGGER"
PYCHARM = "pycharm"
#: How to get PyCharm's debugger package: the version must match the IDE's, so no extra pins it.
PYCHARM_INSTALL = "pip install 'pydevd-pycharm~=<PyCharm version>'"
RETRY_EVERY = 0.5  # how often a PyCharm environment tries its debug server again


def start_debugger(environ: MutableMapping[str, str] | None = None) -> bool:
    """Listen for a debugger if asked (the variables are removed, so the handler does not see them)."""
    environ = os.environ if environ is None else environ
    port = environ.pop(PORT_VARIABLE, None)
    wait = environ.pop(WAIT_VARIABLE, "") == "1"
    debugger = environ.pop(DEBUGGER_VARIABLE, "")
    if not port:
        return False
    if debugger == PYCHARM:
        return connect_to_pycharm(int(port))
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


def connect_to_pycharm(port: int) -> bool:
    """Connect to PyCharm's Python Debug Server on loopback ``port``, trying again until it listens.

    pydevd prints a traceback for every refused connection; those are kept from the log, and one line
    says what the environment waits for. Anything pydevd writes on the attempt that connects is kept.
    """
    try:
        import pydevd_pycharm
    except ImportError:
        sys.stderr.write(f"lambdaworks: --debugger pycharm needs pydevd-pycharm here: {PYCHARM_INSTALL}\n")
        return False
    said = False
    while True:
        caught = io.StringIO()
        try:
            with contextlib.redirect_stderr(caught):
                pydevd_pycharm.settrace("127.0.0.1", port=port, suspend=False)
        except OSError:
            if not said:
                sys.stdout.write(
                    f"lambdaworks: waiting for PyCharm's Python Debug Server on 127.0.0.1:{port} "
                    "(start it in PyCharm)\n"
                )
                sys.stdout.flush()
                said = True
            time.sleep(RETRY_EVERY)
            continue
        sys.stderr.write(caught.getvalue())
        sys.stdout.write(f"lambdaworks: connected to PyCharm's debugger on 127.0.0.1:{port}\n")
        sys.stdout.flush()
        return True


def main() -> None:
    start_debugger()
    from lambdaworks.runtime.bootstrap import main as bootstrap

    bootstrap()


if __name__ == "__main__":
    main()
