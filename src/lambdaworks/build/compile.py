"""``--compile``: bytecode made at build time, so a cold start does not compile (``/var/task`` is read-only).

The ``.pyc`` files are checked by hash, not timestamp (zips carry fixed times), and only this
interpreter can write them for its own Python version.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lambdaworks.build.errors import BuildError
from lambdaworks.build.files import Hashed
from lambdaworks.build.target import Target
from lambdaworks.build.zipper import Entry


def check(target: Target) -> None:
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if here != target.python:
        raise BuildError(
            f"--compile writes bytecode for this Python ({here}); the target is python{target.python}. "
            f"Run the build with python{target.python}, or leave out --compile."
        )


def compile_tree(folder: Path, target: Target) -> None:
    """Compile every module under ``folder`` into ``__pycache__`` for the target Python."""
    import compileall  # here and below: only --compile pays for these imports
    import py_compile

    check(target)
    compileall.compile_dir(
        str(folder), quiet=2, workers=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
    )


def compiled(files: list[Hashed], cache: Path, target: Target) -> list[Hashed]:
    """Bytecode for the modules among ``files``, as ``__pycache__`` entries; compiled once per content hash."""
    import py_compile

    check(target)
    tag = sys.implementation.cache_tag
    made: list[Hashed] = []
    for item in files:
        name = item.entry.name
        if not name.endswith(".py"):
            continue
        pyc = cache / f"{item.digest}.{tag}.pyc"
        if not pyc.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            try:
                py_compile.compile(
                    str(item.entry.path),
                    str(pyc),
                    dfile=name,
                    doraise=True,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
            except py_compile.PyCompileError as exc:
                raise BuildError(f"--compile: {exc.msg}") from None
        folder, _, module = name.rpartition("/")
        entry_name = f"{folder + '/' if folder else ''}__pycache__/{module[:-3]}.{tag}.pyc"
        made.append(Hashed(Entry(entry_name, pyc, pyc.stat().st_size), item.digest))
    return made
