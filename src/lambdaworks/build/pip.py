"""pip, asked for wheels of the target platform only (``--platform``/``--python-version``/``--only-binary``).

A dependency with no such wheel fails with a message naming it and the ways out. With
``source_builds``, such a dependency is built from its sdist here: a pure-Python wheel serves any
target, a compiled one only when this machine is the target (Linux, same CPU, same Python).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from lambdaworks.build.errors import BuildError, NoWheelError
from lambdaworks.build.target import Target

#: ``run(argv, cwd, on_line) -> (returncode, output)``: how pip is started (tests pass their own).
Runner = Callable[[list[str], Path, Callable[[str], None]], tuple[int, str]]

NO_MATCH = re.compile(r"No matching distribution found for (\S+)")
VERSIONS = re.compile(r"Could not find a version that satisfies the requirement (\S+) \(from versions: ([^)]*)\)")
MAX_SOURCE_BUILDS = 20


def pip_command() -> list[str]:
    """How to call pip: ``$LAMBDAWORKS_PIP`` (a command line) or this interpreter's ``-m pip``."""
    override = os.environ.get("LAMBDAWORKS_PIP")
    return shlex.split(override) if override else [sys.executable, "-m", "pip"]


def run_process(argv: list[str], cwd: Path, on_line: Callable[[str], None]) -> tuple[int, str]:
    """Run ``argv``, passing each output line to ``on_line``; its exit code and whole output."""
    import subprocess  # here and below: only an install pays for these imports, not a no-op or an edit

    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONDONTWRITEBYTECODE="1")
    lines: list[str] = []
    with subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            on_line(line.rstrip())
    return process.returncode, "".join(lines)


def this_machine() -> str:
    import platform

    return platform.machine()


def host_matches(target: Target) -> bool:
    """This machine can build compiled wheels that run on ``target``."""
    return (
        sys.platform.startswith("linux")
        and this_machine().lower() == target.machine
        and f"{sys.version_info.major}.{sys.version_info.minor}" == target.python
    )


def install(
    requirements_file: Path,
    target: Target,
    into: Path,
    *,
    cwd: Path,
    source_builds: bool = False,
    wheels: Path | None = None,
    run: Runner = run_process,
    on_line: Callable[[str], None] = lambda line: None,
) -> None:
    """Install ``requirements_file`` into ``into`` for ``target``; NoWheelError names what has no wheel."""
    platforms = target.platforms()
    if source_builds and host_matches(target):
        platforms.append(f"linux_{target.machine}")
    find_links: list[str] = []
    built: set[str] = set()
    for _ in range(MAX_SOURCE_BUILDS + 1):
        argv = [*pip_command(), "install", "--target", str(into), "--implementation", "cp"]
        argv += ["--python-version", target.python, "--only-binary=:all:", "--no-compile", "--progress-bar", "off"]
        argv += [arg for tag in platforms for arg in ("--platform", tag)]
        argv += [arg for link in find_links for arg in ("--find-links", link)]
        argv += ["-r", str(requirements_file)]
        code, output = run(argv, cwd, on_line)
        if code == 0:
            return
        missing = no_wheel(output, target)
        if missing is None:
            raise BuildError(f"pip could not install {requirements_file.name} for {target}:\n{tail(output)}")
        if not source_builds or missing.package in built:
            raise missing
        assert wheels is not None, "source builds need a folder for the wheels they make"
        build_wheel(missing.package, target, wheels, cwd=cwd, run=run, on_line=on_line)
        built.add(missing.package)
        find_links = [str(wheels)]
    raise BuildError(f"more than {MAX_SOURCE_BUILDS} dependencies needed building from source")


def build_wheel(
    requirement: str, target: Target, wheels: Path, *, cwd: Path, run: Runner, on_line: Callable[[str], None]
) -> None:
    """Build ``requirement`` from source into ``wheels``; refuse a compiled wheel this machine cannot make."""
    wheels.mkdir(parents=True, exist_ok=True)
    before = set(wheels.glob("*.whl"))
    argv = [*pip_command(), "wheel", "--no-deps", "--no-binary", ":all:", "--wheel-dir", str(wheels), requirement]
    code, output = run(argv, cwd, on_line)
    if code != 0:
        raise BuildError(f"building {requirement} from source failed:\n{tail(output)}")
    for wheel in set(wheels.glob("*.whl")) - before:
        pure = wheel.name.endswith(("-none-any.whl",))
        if not pure and not host_matches(target):
            wheel.unlink()
            raise NoWheelError(
                f"{requirement} has compiled code and no wheel for {target}; this machine "
                f"({sys.platform} {this_machine()}, python{sys.version_info.major}.{sys.version_info.minor}) "
                f"cannot build one. Build on a matching machine or in a container "
                f"(public.ecr.aws/sam/build-python{target.python}), or pick a version that publishes wheels.",
                requirement,
            )


def no_wheel(output: str, target: Target) -> NoWheelError | None:
    """pip's "no matching distribution" as a NoWheelError naming the package and the ways out."""
    found = NO_MATCH.search(output)
    if not found:
        return None
    requirement = found.group(1)
    versions = VERSIONS.search(output)
    listed = versions.group(2).strip() if versions else ""
    why = (
        f"no release of {requirement} matching your requirement has a wheel for {target} (manylinux, {target.abi})"
        if listed and listed != "none"
        else f"no wheel of {requirement} for {target} on the package index (or no such package)"
    )
    return NoWheelError(
        f"{why}. Ways out: `lambdaworks build --source-builds` builds it from its sdist on this machine "
        f"(pure-Python packages always; compiled ones when this machine is the target), pin a version "
        "that publishes manylinux wheels, or build it in a container "
        f"(public.ecr.aws/sam/build-python{target.python}).",
        requirement,
    )


def tail(output: str, lines: int = 15) -> str:
    return "\n".join(output.rstrip().splitlines()[-lines:])
