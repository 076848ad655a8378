"""``lambdaworks dev --from-build``: functions served from their built zips instead of the source tree.

Each zip of the manifest is unpacked under the state folder (once per zip file: the folder is
named by its size and mtime). The workers
then run without the emulator's site-packages: on the import path are the unpacked code package,
its layers, and what Lambda's own runtime provides (boto3 and its dependencies, linked from this
environment when installed). A dependency the build left out fails here as it would on AWS.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import lambdaworks
from lambdaworks.build.errors import BuildError
from lambdaworks.build.manifest import read_manifest
from lambdaworks.build.zipper import extract
from lambdaworks.project import layout
from lambdaworks.project.model import Project

#: What the Lambda Python runtime has on its import path besides the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")


def made_once(folder: Path, fill: Callable[[Path], None]) -> Path:
    """``folder``, unless it exists: ``fill`` makes it in a staging folder beside it, then it is renamed into place."""
    if not folder.is_dir():
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        fill(staging)
        try:
            os.replace(staging, folder)
        except OSError:  # another emulator made it first
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def unpack(archive: Path, root: Path) -> Path:
    """``archive`` unpacked under ``root``, in a folder named by the zip's size and mtime (reused when there)."""
    st = archive.stat()
    return made_once(root / f"{archive.stem}-{st.st_size}-{st.st_mtime_ns}", lambda into: extract(archive, into))


def from_build(project: Project, out: Path, state_dir: Path) -> tuple[Project, list[str]]:
    """``project`` with each function's code and layers replaced by its unpacked build artifacts."""
    built = read_manifest(out)
    images = {name for name, f in project.functions.items() if f.package_type == "Image"}
    missing = sorted(set(project.functions) - set(built) - images)
    if missing:
        raise BuildError(f"{', '.join(missing)} not in the build in {out}; run `lambdaworks build` again")
    root = state_dir / layout.FROM_BUILD
    functions = {}
    for name, function in project.functions.items():
        if name in images:  # not run locally either way
            functions[name] = function
            continue
        spec = built[name]
        functions[name] = dataclasses.replace(
            function,
            code_uri=unpack(spec.code, root),
            layers=tuple(unpack(layer, root) for layer in spec.layers),
            packaged=function.runtime.startswith("python"),
        )
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    by_python: dict[str, list[str]] = {}
    for spec in built.values():
        if spec.name in project.functions and spec.python and spec.python != here:
            by_python.setdefault(spec.python, []).append(spec.name)
    warnings = [
        f"{', '.join(names)} built for python{python}; this emulator runs python{here}, so compiled dependencies "
        f"may not import. `lambdaworks build --python {here}` makes a build this machine can serve."
        for python, names in sorted(by_python.items())
    ]
    forget_others(root, {p for f in functions.values() for p in (f.code_uri, *f.layers)})
    return dataclasses.replace(project, functions=functions), warnings


@cache
def private_folder() -> Path:
    """A folder only this user can use, made by this process (``mkdtemp``: mode 0700, a fresh name)
    and removed at exit. A name in the shared temporary folder that anyone can compute could be
    planted by another local user, and its code would run inside the functions as this one."""
    folder = Path(tempfile.mkdtemp(prefix="lambdaworks-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def link_folder(kind: str, links: dict[str, Path]) -> str:
    """A folder of symlinks ``name -> target`` (in :func:`private_folder`, named by its content, made once)."""

    def fill(staging: Path) -> None:
        for name, target in links.items():
            (staging / name).symlink_to(target, target_is_directory=target.is_dir())

    digest = hashlib.sha256(repr(sorted(links.items())).encode()).hexdigest()[:12]
    return str(made_once(private_folder() / f"{kind}-{digest}", fill))


def forget_others(root: Path, keep: set[Path]) -> None:
    """Remove the unpacked builds under ``root`` that this build no longer uses."""
    for folder in root.iterdir():
        if folder not in keep:
            shutil.rmtree(folder, ignore_errors=True)


@cache
def bootstrap_path() -> str:
    """A folder holding only this lambdaworks (the bootstrap imports from it, then hides it)."""
    return link_folder("bootstrap", {"lambdaworks": Path(lambdaworks.__file__).parent})


@cache
def runtime_path() -> tuple[str, ...]:
    """A folder with the runtime-provided packages installed here (as Lambda's ``/var/runtime``), if any."""
    links: dict[str, Path] = {}
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            origin = Path(spec.origin)
            target = origin.parent if origin.name == "__init__.py" else origin
            links[target.name] = target
    return (link_folder("runtime", links),) if links else ()
