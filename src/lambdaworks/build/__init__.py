"""The packager: dependencies installed for Lambda's platform, deterministic zips, layers, a content-hash cache.

``build(project, Options(...))`` writes code packages, dependency layers and ``manifest.json`` to
``.lambdaworks/build`` and returns a :class:`BuildResult`; see :mod:`lambdaworks.build.builder`.
"""

from lambdaworks.build.artifacts import Artifact, BuildResult, FunctionBuild
from lambdaworks.build.builder import Builder, Options, build
from lambdaworks.build.errors import BuildError, NoWheelError
from lambdaworks.build.target import Target

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
