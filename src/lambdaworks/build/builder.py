"""``lambdaworks build``: a project's functions as code packages and layers, rebuilt only where inputs changed.

Functions that share a code folder share one code package; functions whose folders ask for the
same requirements share one dependency layer (``python/`` inside, as Lambda's ``/opt/python``).
The layer is keyed by its requirements, Python and architecture; a code package by the hashes of
its files. A key the previous build already made, with its zip still in place, costs nothing.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import lambdaworks
from lambdaworks.build import pip, zipper
from lambdaworks.build.artifacts import CODE, DEPENDENCIES, LAYER, Artifact, BuildResult, FunctionBuild
from lambdaworks.build.compile import compiled
from lambdaworks.build.deps import DependencyCache, DepsOptions, Tree, key_of
from lambdaworks.build.errors import BuildError
from lambdaworks.build.files import IGNORE_FILE, Collector, Excluded, Hashed, Ignore, fingerprint
from lambdaworks.build.manifest import write_manifest
from lambdaworks.build.requirements import Requirements, find
from lambdaworks.build.state import State
from lambdaworks.build.target import Target
from lambdaworks.project import layout
from lambdaworks.project.model import Function, Project

#: Bumped when the same inputs would give a different code package.
FORMAT = "1"
MAX_LAYERS = 5  # Lambda's limit per function
SLOW_ZIP = 20 * 1024 * 1024  # bytes before zipping a code package shows progress

#: ``task(description)`` shows a slow step and returns a callback for its progress lines.
Task = Callable[[str], contextlib.AbstractContextManager[Callable[[str], None]]]


@contextlib.contextmanager
def quiet_task(description: str) -> Iterator[Callable[[str], None]]:
    yield lambda line: None


@dataclass(frozen=True)
class Options:
    """The command line's choices; None means "as each function says"."""

    out: Path | None = None
    python: str | None = None
    arch: str | None = None
    layer: bool = True
    include_boto3: bool = False
    source_builds: bool = False
    compile: bool = False
    force: bool = False
    cache_dir: Path | None = None  # installed dependencies and bytecode; default .lambdaworks/cache
    strict: bool = False  # what looks like a credential in a shipped file is an error, not a warning

    @property
    def deps(self) -> DepsOptions:
        return DepsOptions(self.include_boto3, self.source_builds, self.compile)


DEFAULT_OPTIONS = Options()


def relative(path: Path, root: Path) -> str:
    """``path`` relative to the project where it can be (its own name where not)."""
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = path.name
    return root.name or "app" if shown in ("", ".") else shown


def slug(path: Path, root: Path) -> str:
    """A file-name-safe name of a folder."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", relative(path, root)).strip("_") or "app"


def runtime_files(collector: Collector) -> list[Hashed]:
    """lambdaworks' own runtime (standard library only), as shipped beside code that imports it."""
    package = Path(lambdaworks.__file__).parent
    files: list[Hashed] = []
    for item in ("__init__.py", "__about__.py", "py.typed"):
        files += collector.collect_file(package / item, f"lambdaworks/{item}")
    runtime, _ = collector.collect(package / "runtime", "lambdaworks/runtime/", Ignore())
    return files + runtime


def layer_name(folder: Path, root: Path) -> str:
    """The zip a layer folder is built into (how deploy finds a template's LayerVersion)."""
    return f"layer-{slug(folder, root)}.zip"


class Builder:
    """Builds ``project`` into ``options.out`` (default ``.lambdaworks/build`` beside the template)."""

    def __init__(
        self,
        project: Project,
        options: Options = DEFAULT_OPTIONS,
        *,
        run: pip.Runner = pip.run_process,
        task: Task = quiet_task,
    ) -> None:
        self.project = project
        self.options = options
        self.out = (options.out or layout.build_dir(project.root)).resolve()
        self.task = task
        self.state = State(self.out / ".state.json")
        self.cache_dir = (options.cache_dir or layout.cache_dir(project.root)).resolve()
        self.collector = Collector({self.out, self.cache_dir}, self.state.files)
        self.cache = DependencyCache(self.cache_dir / "deps", run)
        self.artifacts: dict[str, Artifact] = {}
        self.warnings: list[str] = []
        self._runtime: list[Hashed] | None = None

    def build(self) -> BuildResult:
        started = time.perf_counter()
        functions = {}
        for name, function in sorted(self.project.functions.items()):
            if function.package_type == "Image":
                self.warnings.append(f"{name}: a container image (PackageType: Image) is not built by lambdaworks")
                continue
            functions[name] = self.function(function)
        self.check_secrets()
        for stale in set(self.state.artifacts) - set(self.artifacts):
            (self.out / stale).unlink(missing_ok=True)
        self.state.save(self.collector.cache, self.artifacts)
        result = BuildResult(
            self.out,
            dict(sorted(self.artifacts.items())),
            functions,
            tuple(dict.fromkeys(self.warnings)),
            self.cache.installs,
            time.perf_counter() - started,
        )
        write_manifest(result)
        return result

    def check_secrets(self) -> None:
        """Name each shipped file holding what looks like a credential (BuildError with ``strict``)."""
        found = [
            f"{relative(path, self.project.root)} holds what looks like {' and '.join(kinds)}: move it to a "
            "parameter or secret (SSM, Secrets Manager), or leave the file out with .lambdaignore"
            for path, kinds in sorted(self.collector.secrets.items())
        ]
        if found and self.options.strict:
            raise BuildError(f"{found[0]} (--strict; {len(found)} file(s) in all)")
        self.warnings.extend(found)

    # -- one function ----------------------------------------------------------------------------

    def function(self, function: Function) -> FunctionBuild:
        layers = [self.user_layer(path) for path in function.layers]
        if not function.runtime.startswith("python"):
            code = self.code(function.code_uri, None, None)
            return FunctionBuild(
                function.name, function.handler, function.runtime, function.architecture, code, tuple(layers)
            )
        target = Target.of(function.runtime, function.architecture, self.options.python, self.options.arch)
        requirements = find(function.code_uri)
        tree = self.dependencies(requirements, target) if requirements else None
        if requirements and requirements.pinned_boto3 and not self.options.include_boto3:
            pins = ", ".join(requirements.pinned_boto3)
            self.warnings.append(
                f"{requirements.source}: pins {pins}, but the Lambda runtime's own copy is used unless you "
                "build with --include-boto3"
            )
        if tree is not None and self.options.layer:
            layers.append(self.dependency_layer(tree))
        if len(layers) > MAX_LAYERS:
            raise BuildError(f"{function.name}: {len(layers)} layers; Lambda allows {MAX_LAYERS} per function")
        bundled = None if self.options.layer else tree
        code = self.code(function.code_uri, target, bundled, bool(requirements and requirements.wants_lambdaworks))
        return FunctionBuild(
            function.name, function.handler, function.runtime, target.arch, code, tuple(layers), target.python
        )

    def dependencies(self, requirements: Requirements, target: Target) -> Tree | None:
        if requirements.empty:
            return None
        key = key_of(requirements, target, self.options.deps)
        tree = None if self.options.force else self.cache.cached(key)
        if tree is None:
            with self.task(f"Installing {relative(requirements.source, self.project.root)} for {target}") as progress:
                tree = self.cache.install(requirements, target, self.options.deps, key, progress)
        return tree

    # -- artifacts -------------------------------------------------------------------------------

    def dependency_layer(self, tree: Tree) -> str:
        name = f"deps-{tree.key[:12]}.zip"
        if name not in self.artifacts:
            self.artifacts[name] = self.zip(name, DEPENDENCIES, tree.key, lambda: tree.entries("python/"), tree)
        return name

    def user_layer(self, folder: Path) -> str:
        name = layer_name(folder, self.project.root)
        if name not in self.artifacts:  # a layer shared by many functions is walked once
            files, excluded = self.collector.collect(folder, "", self.ignore(folder))
            key = fingerprint(files, FORMAT, LAYER)
            self.artifacts[name] = self.zip(name, LAYER, key, lambda: [f.entry for f in files], None, tuple(excluded))
        return name

    def code(self, folder: Path, target: Target | None, bundled: Tree | None, wants_lambdaworks: bool = False) -> str:
        """The code package of ``folder``; ``target`` is None for a custom runtime (no runtime vended, no bytecode)."""
        name = f"code-{slug(folder, self.project.root)}"
        if target is not None and self.targets_of(folder) > 1:
            name += f"-{target.arch}-py{target.python}"
        if not self.options.layer and bundled is not None:
            name += f"-{bundled.key[:8]}"
        name += ".zip"
        if name in self.artifacts:  # a folder shared by many functions is walked once
            return name
        files, excluded = self.collector.collect(folder, "", self.ignore(folder))
        if target is not None:
            vend = wants_lambdaworks or any(f.entry.path in self.collector.importers for f in files)
            if vend and not any(f.entry.name == "lambdaworks/__init__.py" for f in files):
                files = files + self.runtime()
            if self.options.compile:
                files = files + compiled(files, self.cache_dir / "pyc", target)

        def entries() -> list[zipper.Entry]:
            return [f.entry for f in files] + (bundled.entries("") if bundled else [])

        key = fingerprint(files, FORMAT, CODE, bundled.key if bundled else "")
        self.artifacts[name] = self.zip(name, CODE, key, entries, bundled, tuple(excluded))
        return name

    def zip(
        self,
        name: str,
        kind: str,
        key: str,
        entries: Callable[[], list[zipper.Entry]],
        tree: Tree | None,
        excluded: tuple[Excluded, ...] = (),
    ) -> Artifact:
        """The artifact ``name`` for ``key``: the previous build's when it still stands, else written now."""
        excluded = excluded + (tree.excluded if tree else ())
        packages = dict(tree.packages) if tree else {}
        old = None if self.options.force else self.state.reusable(name, key, self.out)
        if old is not None:
            return Artifact(**{**vars(old), "excluded": excluded, "packages": packages})
        listed = entries()
        slow = kind == DEPENDENCIES or sum(e.size for e in listed) > SLOW_ZIP
        with self.task(f"Zipping {name}") if slow else contextlib.nullcontext():
            size, digest = zipper.write(self.out / name, listed)
        unzipped = sum(e.size for e in listed)
        return Artifact(name, kind, key, digest, size, unzipped, len(listed), excluded, packages)

    # -- helpers ---------------------------------------------------------------------------------

    def ignore(self, folder: Path) -> Ignore:
        files = [self.project.root / IGNORE_FILE]
        if folder.resolve() != self.project.root.resolve():
            files.append(folder / IGNORE_FILE)
        return Ignore(*files)

    def targets_of(self, folder: Path) -> int:
        """How many distinct targets the functions in ``folder`` have (two or more: one package each)."""
        found = set()
        for f in self.project.functions.values():
            if f.code_uri == folder and f.runtime.startswith("python"):
                found.add(Target.of(f.runtime, f.architecture, self.options.python, self.options.arch))
        return len(found)

    def runtime(self) -> list[Hashed]:
        if self._runtime is None:
            self._runtime = runtime_files(self.collector)
        return self._runtime


def build(
    project: Project, options: Options = DEFAULT_OPTIONS, *, run: pip.Runner = pip.run_process, task: Task = quiet_task
) -> BuildResult:
    """Build ``project``; see :class:`Builder`."""
    return Builder(project, options, run=run, task=task).build()
