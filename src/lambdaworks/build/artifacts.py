"""What a build made: artifacts (zips) and, per function, the code package and layers it runs on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lambdaworks.build.files import Excluded

CODE = "code"
DEPENDENCIES = "dependencies"
LAYER = "layer"


@dataclass(frozen=True)
class Artifact:
    """A zip in the output folder. ``key`` hashes its inputs; ``sha256`` is the zip's own hash."""

    name: str
    kind: str
    key: str
    sha256: str
    size: int
    unzipped: int
    files: int
    excluded: tuple[Excluded, ...] = ()
    packages: dict[str, int] = field(default_factory=dict)  # dependencies: distribution -> unzipped bytes
    built: bool = True  # written by this build (False: the previous build's file was still right)


@dataclass(frozen=True)
class FunctionBuild:
    """One function's deployment: its code package, then its layers in order."""

    name: str
    handler: str
    runtime: str
    architecture: str
    code: str
    layers: tuple[str, ...] = ()
    python: str | None = None  # the Python the package was built for ("3.12"); None for custom runtimes


@dataclass(frozen=True)
class BuildResult:
    """Everything a build made, where, and what it noticed."""

    out: Path
    artifacts: dict[str, Artifact]
    functions: dict[str, FunctionBuild]
    warnings: tuple[str, ...] = ()
    pip_installs: int = 0
    seconds: float = 0.0

    def layers_of(self, function: FunctionBuild) -> list[Artifact]:
        return [self.artifacts[name] for name in function.layers]

    def unzipped_total(self, function: FunctionBuild) -> int:
        """The function's code and layers unzipped, as Lambda counts against 250 MB."""
        return self.artifacts[function.code].unzipped + sum(a.unzipped for a in self.layers_of(function))
