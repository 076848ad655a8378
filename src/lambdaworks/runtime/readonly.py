"""The function's code and layers are read-only, as ``/var/task`` and ``/opt`` are on Lambda.

The emulator runs a function from the developer's own folder, where any write would succeed; a
function that writes there (Flask's tutorial app creates ``instance/`` beside its code) works
locally and crashes on Lambda. An audit hook makes such a write fail here as it fails there, with
``OSError: [Errno 30] Read-only file system``, and says on the function's output what to do
instead. Only the bootstrap installs it, and only when the emulator asks (``LAMBDAWORKS_READ_ONLY``).
"""

from __future__ import annotations

import errno
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

VARIABLE = "LAMBDAWORKS_READ_ONLY"  # the folders, os.pathsep-separated
#: Where the bytecode of the read-only folders' modules goes instead (the project's ``.lambdaworks/``).
BYTECODE_VARIABLE = "LAMBDAWORKS_PYCACHE"
_PYCACHE = os.sep + "__pycache__" + os.sep
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
#: Audit events that change the file system, and how many of their arguments are paths.
_CHANGES = {
    "os.mkdir": 1,
    "os.remove": 1,
    "os.rmdir": 1,
    "os.rename": 2,
    "os.link": 2,
    "os.symlink": 2,
    "os.truncate": 1,
    "os.chmod": 1,
    "os.chown": 1,
    "os.utime": 1,
    "shutil.rmtree": 1,
}


def protect(folders: Iterable[str], bytecode: str | None = None) -> None:
    """Refuse writes under ``folders`` from now on, for the life of the process; the bytecode of
    their modules goes under ``bytecode`` (see :func:`bytecode_elsewhere`)."""
    given = [f for f in folders if f]
    roots = tuple(os.path.join(os.path.realpath(f), "") for f in given)
    if not roots:
        return
    if bytecode:
        bytecode_elsewhere((*roots, *(os.path.join(os.path.abspath(f), "") for f in given)), bytecode)
    cache = bytecode or sys.pycache_prefix
    prefix = os.path.join(os.path.realpath(cache), "") if cache else ""

    def refused(value: Any) -> str | None:
        if isinstance(value, int) or value is None:
            return None
        try:
            path = os.path.join(os.path.realpath(os.fsdecode(value)), "")
        except (TypeError, ValueError):
            return None
        if _PYCACHE in path or (prefix and (path.startswith(prefix) or prefix.startswith(path))):
            return None  # Python's own bytecode cache, and the folders that lead to it
        return path if path.startswith(roots) else None

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            mode, flags = args[1], args[2]
            writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
            paths = args[:1] if writes else ()
        else:
            count = _CHANGES.get(event)
            if count is None:
                return
            paths = args[:count]
        for value in paths:
            path = refused(value)
            if path is not None:
                shown = os.fsdecode(value)
                sys.stderr.write(
                    f"lambdaworks: {shown} is in the function's code or a layer, read-only on Lambda "
                    "(/var/task, /opt): write under /tmp (tempfile.gettempdir()) instead\n"
                )
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), shown)

    sys.addaudithook(hook)


def bytecode_elsewhere(roots: tuple[str, ...], prefix: str) -> None:
    """Cache the bytecode of modules under ``roots`` below ``prefix`` (laid out as
    ``PYTHONPYCACHEPREFIX`` lays it out), and every other module's where Python keeps it.

    ``PYTHONPYCACHEPREFIX`` would move all of it: the standard library and site-packages, compiled
    already where they are installed, would be compiled again into the prefix, once per project
    (150 ms at a first start, more with a framework). The import system asks
    ``cache_from_source`` for each module's bytecode path; for these folders it now answers with
    the prefix.
    """
    from importlib import _bootstrap_external as external

    original = external.cache_from_source

    def cache_from_source(path: str, debug_override: Any = None, *, optimization: Any = None) -> str:
        if not os.fspath(path).startswith(roots):
            return original(path, debug_override, optimization=optimization)
        saved, sys.pycache_prefix = sys.pycache_prefix, prefix
        try:
            return original(path, debug_override, optimization=optimization)
        finally:
            sys.pycache_prefix = saved

    external.cache_from_source = cache_from_source  # type: ignore[assignment]
