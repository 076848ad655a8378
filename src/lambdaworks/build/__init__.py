"""The packager: dependencies installed for Lambda's platform, deterministic zips, layers, a content-hash cache.

``build(project, Options(...))`` writes code packages, dependency layers and ``manifest.json`` to
``.lambdaworks/build`` and returns a :class:`BuildResult`; see :mod:`lambdaworks.build.builder`.
:mod:`lambdaworks.build.uptodate` answers an unchanged build before any of that is imported, so
the names below are imported on first use.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: the no-op build's fast path imports this package
if TYPE_CHECKING:
    from lambdaworks.build.artifacts import Artifact, BuildResult, FunctionBuild
    from lambdaworks.build.builder import Builder, Options, build
    from lambdaworks.build.errors import BuildError, NoWheelError
    from lambdaworks.build.target import Target

#: Each public name -> the module that defines it.
_WHERE = {
    "Artifact": "artifacts",
    "BuildResult": "artifacts",
    "FunctionBuild": "artifacts",
    "Builder": "builder",
    "Options": "builder",
    "build": "builder",
    "BuildError": "errors",
    "NoWheelError": "errors",
    "Target": "target",
}

__all__ = [
    "Artifact",
    "BuildError",
    "BuildResult",
    "Builder",
    "FunctionBuild",
    "NoWheelError",
    "Options",
    "Target",
    "build",
]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
