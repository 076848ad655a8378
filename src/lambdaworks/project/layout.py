"""The ``.lambdaworks/`` folder lambdaworks keeps beside a project's template, one name per part.

::

    .lambdaworks/           FOLDER: never packaged, never watched for reloads
      build/                ``lambdaworks build``: code packages, layers, manifest.json
      cache/                installed dependencies and bytecode, by content hash
        pycache/            ``dev``: the functions' bytecode, kept out of their code folders
      package/              ``package`` and ``deploy``: template.yaml, cloudformation.json
        checked/            translations and cfn-lint results, by template hash
      state.db              ``dev``: the async queue and the dead letters (SQLite)
      processes/            ``dev``: each running emulator's process tree, for the next start after a crash
      services/             ``dev``: the local AWS services' contents (one pickle a service) and spec.json
      from-build/           ``dev --from-build``: the build's zips, unpacked

``dev --state-dir`` moves what ``dev`` keeps (``state.db``, ``processes/``, ``from-build/``) elsewhere; the build
folders stay beside the template.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = ".lambdaworks"
STATE_FILE = "state.db"
PROCESSES = "processes"
FROM_BUILD = "from-build"


def folder(root: Path) -> Path:
    """The ``.lambdaworks/`` of the project whose template is in ``root``."""
    return root / FOLDER


def build_dir(root: Path) -> Path:
    return folder(root) / "build"


def cache_dir(root: Path) -> Path:
    return folder(root) / "cache"


def pycache_dir(root: Path) -> Path:
    """Where the functions ``dev`` runs write their bytecode (``PYTHONPYCACHEPREFIX``)."""
    return cache_dir(root) / "pycache"


def package_dir(root: Path) -> Path:
    return folder(root) / "package"


def checked_dir(root: Path) -> Path:
    return package_dir(root) / "checked"


def state_dir(root: Path, override: Path | None = None) -> Path:
    """Where ``dev`` keeps its state: ``override`` (``--state-dir``), else the project's ``.lambdaworks/``."""
    return override if override is not None else folder(root)
