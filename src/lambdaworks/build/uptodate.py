"""The no-op fast path of ``lambdaworks build``: nothing it read has changed, so say so in milliseconds.

While a build runs, an audit hook notes every file it opens, every folder it lists, everything it
writes, creates or removes, and each file the packager trusted by its stat alone (the
``lambdaworks.build.input`` event). After a successful build, the stat signature of each of
those paths (mtime, ctime, size, inode, mode; or "absent") is stored with the report the command
printed, under the invocation: arguments, working folder, ``LAMBDAWORKS_*`` environment, Python
and lambdaworks version. The same invocation later stats those paths before click, the project
loader or the packager is imported; when every signature matches it prints the stored report and
exits, as ``make`` does for an up-to-date target. Anything else runs the real build, which is
itself incremental.

A file that changed while the build was reading it is "racy", as git calls it: its timestamp is
not older than the build's start, so no stamp is written and the next run builds for real. (On a
network share whose server clock runs behind this machine's, such a change can go unnoticed;
``LAMBDAWORKS_UPTODATE=0`` turns the fast path off.)
"""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib

from lambdaworks.__about__ import __version__

TYPE_CHECKING = False  # not typing's: importing typing would cost this path a few milliseconds
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

FORMAT = 1
DISABLE_ENV = "LAMBDAWORKS_UPTODATE"  # "0": always build for real, and record nothing
BUILD_INPUT = "lambdaworks.build.input"  # = lambdaworks.build.files.BUILD_INPUT (not imported: it is heavy)

Signature = tuple[int, int, int, int, int]

_READ = frozenset({"open", "os.scandir", "os.listdir", BUILD_INPUT})
_CHANGE = frozenset(
    {"os.mkdir", "os.remove", "os.rmdir", "os.rename", "os.link", "os.symlink", "os.truncate", "shutil.rmtree"}
)
_TWO_PATHS = frozenset({"os.rename", "os.link", "os.symlink"})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_SYSTEM = ("/dev/", "/proc/", "/sys/")
#: File times come from a coarse kernel clock, up to a tick behind ``time.time_ns()``.
CLOCK_SLACK = 20_000_000
STAMP_DAYS = 30  # a stamp older than this is removed when another is written

_expected: list[str] | None = None  # the invocation the console script is running, when it is one
_recorder: Recorder | None = None


def invocation(args: Sequence[str]) -> list[str] | None:
    """What a stamp is kept under, or None when this run must build for real (``--force``, opted out)."""
    if "--force" in args or os.environ.get(DISABLE_ENV) == "0":
        return None
    env = sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith("LAMBDAWORKS_"))
    return [str(FORMAT), __version__, sys.executable, sys.version, os.getcwd(), *env, "--", *args]


def stamp_dir() -> str:
    """Where stamps are kept: the user's cache folder (``LAMBDAWORKS_STAMP_DIR`` to move it)."""
    chosen = os.environ.get("LAMBDAWORKS_STAMP_DIR")
    if chosen:
        return chosen
    if sys.platform == "win32":  # pragma: no cover - not run here
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~")
    elif sys.platform == "darwin":  # pragma: no cover - not run here
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "lambdaworks", "uptodate")


def stamp_path(invocation: list[str]) -> str:
    data = "\0".join(invocation).encode("utf-8", "surrogateescape")
    return os.path.join(stamp_dir(), f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}.stamp")


def signature(path: str) -> Signature | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_mode)


def replay(args: Sequence[str], started: float) -> bool:
    """Print the stored report and return True if the last identical build's inputs are all unchanged."""
    key = invocation(args)
    if key is None:
        return False
    try:
        with open(stamp_path(key), "rb") as file:
            stamp = marshal.load(file)
        if stamp["invocation"] != key:  # a hash collision, or another format
            return False
        paths: dict[str, Signature | None] = stamp["paths"]
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return False
    for path, expected in paths.items():
        if signature(path) != expected:
            return False
    colour = sys.stderr.isatty()
    for line in stamp["warnings"]:
        sys.stderr.write(f"\x1b[33m{line}\x1b[0m\n" if colour else f"{line}\n")
    before, after = stamp["summary"]
    sys.stdout.write(f"{stamp['report']}{before}{(time.perf_counter() - started) * 1000:.0f} ms{after}\n")
    sys.stdout.flush()
    return True


def expect(args: Sequence[str]) -> None:
    """Mark this process as the console script running ``args`` (so its build may leave a stamp)."""
    global _expected
    _expected = invocation(args)


def begin(project_dir: str) -> Recorder | None:
    """Start noting what the build reads and writes; None unless the console script is running a build."""
    global _recorder
    if _expected is None:
        return None
    if _recorder is None:
        _recorder = Recorder(_expected, project_dir)
        sys.addaudithook(_hook)
    return _recorder


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _recorder is not None and _recorder.active and (event in _READ or event in _CHANGE):
        try:
            _recorder.note(event, args)
        except Exception:  # an exception here would fail the build's own call: stop noting instead
            _recorder.active = False
            _recorder.broken = True


def _path(value: Any) -> str | None:
    if value is None or isinstance(value, int):
        return None
    try:
        path = os.path.abspath(os.fsdecode(value))
    except (TypeError, ValueError):
        return None
    return None if path.startswith(_SYSTEM) or "__pycache__" in path else path


class Recorder:
    """The paths one build read, listed and changed."""

    def __init__(self, invocation: list[str], project_dir: str) -> None:
        self.invocation = invocation
        self.since = time.time_ns() - CLOCK_SLACK
        self.read: set[str] = {os.path.abspath(project_dir)}
        self.listed: set[str] = set()
        self.changed: set[str] = set()
        self.active = True
        self.broken = False  # an event could not be read: what was noted is incomplete

    def note(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path = _path(args[0])
            if path is None:
                return
            mode, flags = args[1], args[2]
            writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & _WRITE_FLAGS)
            (self.changed if writes else self.read).add(path)
        elif event in _CHANGE:
            for value in args[:2] if event in _TWO_PATHS else args[:1]:
                path = _path(value)
                if path is not None:
                    self.changed.add(path)
        else:
            path = _path(args[0] if args else ".")
            if path is not None:
                (self.listed if event != BUILD_INPUT else self.read).add(path)

    def save(self, report: str, summary: tuple[str, str], warnings: Iterable[str], outputs: Iterable[str]) -> bool:
        """Store the stamp (True), or remove a stale one when something changed during the build (False)."""
        self.active = False
        path = stamp_path(self.invocation)
        paths = None if self.broken else self.signatures(outputs)
        if paths is None:
            import contextlib

            with contextlib.suppress(OSError):
                os.unlink(path)
            return False
        stamp = {
            "invocation": self.invocation,
            "paths": paths,
            "report": report,
            "summary": summary,
            "warnings": list(warnings),
        }
        from pathlib import Path

        from lambdaworks.build.state import write_bytes  # loaded already: a build just ran

        try:
            write_bytes(Path(path), marshal.dumps(stamp))
        except OSError:  # a read-only cache folder only costs the fast path
            return False
        forget_old(os.path.dirname(path))
        return True

    def signatures(self, outputs: Iterable[str]) -> dict[str, Signature | None] | None:
        """Every noted path's signature; None if an input changed after the build started."""
        import contextlib

        changed = self.changed | {os.path.abspath(p) for p in outputs}
        made = changed | {os.path.dirname(p) for p in changed}  # and the folders that changed with them
        inputs = self.read | self.listed | loaded_code()
        for folder in self.listed:  # a cached file is trusted by its stat: each entry of a listed folder counts
            with contextlib.suppress(OSError):
                inputs.update(entry.path for entry in os.scandir(folder) if entry.name != "__pycache__")
        paths: dict[str, Signature | None] = {}
        for path in sorted(inputs - made):
            sig = paths[path] = signature(path)
            racy = sig is not None and max(sig[0], sig[1]) >= self.since
            if racy and not _under(path, changed):  # what the build made itself is not racy
                return None  # it may have changed after the build read it
        for path in sorted(made):
            paths[path] = signature(path)
        absent = {p for p, sig in paths.items() if sig is None}
        return {p: sig for p, sig in paths.items() if not _under(p, absent)}


def loaded_code() -> set[str]:
    """The files of every module this build ran, but the standard library's: an edited or upgraded
    lambdaworks, PyYAML or pathspec may build differently from the same project."""
    found = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and not in_stdlib(os.path.abspath(path)):
            found.add(os.path.abspath(path))
    return found


_STDLIB = os.path.dirname(os.__file__) + os.sep
_INSTALLED = frozenset({"site-packages", "dist-packages"})


def in_stdlib(path: str) -> bool:
    """True for the standard library's own files; packages installed beside it (``site-packages``
    of a Python used without a virtualenv) are not part of it."""
    return path.startswith(_STDLIB) and _INSTALLED.isdisjoint(path[len(_STDLIB) :].split(os.sep))


def forget_old(folder: str, days: int = STAMP_DAYS) -> None:
    """Remove stamps not rewritten for ``days`` (one per command line and folder ever built adds up)."""
    cutoff = time.time() - days * 86400
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".stamp") and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
    except OSError:
        pass


def _under(path: str, folders: set[str]) -> bool:
    """True if a folder above ``path`` is one of ``folders``."""
    parent = os.path.dirname(path)
    while parent and parent != path:
        if parent in folders:
            return True
        path, parent = parent, os.path.dirname(parent)
    return False
