"""The platform a package is built for: Lambda's Python version, CPU architecture and glibc."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lambdaworks.build.errors import BuildError

#: Lambda's architectures and the machine name wheels use for them.
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}

#: The glibc of the OS under each Python runtime: Amazon Linux 2 (2.26) up to python3.11, AL2023 (2.34) after.
GLIBC = {"3.10": 26, "3.11": 26, "3.12": 34, "3.13": 34}
SUPPORTED = tuple(GLIBC)

#: The oldest manylinux a wheel for each machine can have (manylinux2014 is glibc 2.17).
OLDEST_GLIBC = 17


@dataclass(frozen=True)
class Target:
    """``python`` as ``"3.12"``, ``arch`` as Lambda names it (``x86_64`` or ``arm64``)."""

    python: str
    arch: str

    @classmethod
    def of(cls, runtime: str, architecture: str, python: str | None = None, arch: str | None = None) -> Target:
        """The target of a function (its ``Runtime`` and ``Architectures``), overridden by ``--python``/``--arch``."""
        version = python or runtime.removeprefix("python")
        if not re.fullmatch(r"3\.\d+", version) or version not in GLIBC:
            where = f"--python {python}" if python else f"Runtime {runtime}"
            raise BuildError(f"{where}: lambdaworks builds for Lambda's python{', python'.join(SUPPORTED)}")
        chosen = arch or architecture
        if chosen not in MACHINES:
            raise BuildError(f"architecture {chosen!r}: Lambda has {' and '.join(MACHINES)}")
        return cls(version, chosen)

    @property
    def machine(self) -> str:
        return MACHINES[self.arch]

    @property
    def abi(self) -> str:
        return "cp" + self.python.replace(".", "")

    def platforms(self) -> list[str]:
        """pip ``--platform`` tags this target runs, newest first (manylinux_2_34 down to manylinux2014)."""
        tags = [f"manylinux_2_{minor}_{self.machine}" for minor in range(GLIBC[self.python], OLDEST_GLIBC - 1, -1)]
        tags.append(f"manylinux2014_{self.machine}")
        if self.machine == "x86_64":
            tags += ["manylinux2010_x86_64", "manylinux1_x86_64"]
        return tags

    def __str__(self) -> str:
        return f"python{self.python} {self.arch}"
