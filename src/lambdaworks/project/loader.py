"""Find and load a project: a SAM template, ``lambdaworks.toml``, or ``[tool.lambdaworks]`` in ``pyproject.toml``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lambdaworks.project.errors import ProjectError
from lambdaworks.project.model import Project
from lambdaworks.project.sam import load_sam
from lambdaworks.project.services import NO_SERVICES, LocalServices

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
NATIVE_NAME = "lambdaworks.toml"
PYPROJECT = "pyproject.toml"


def find_template(project_dir: Path, template: Path | None = None) -> Path:
    """The file to load: ``template`` if given, else the one SAM template or native config in the folder."""
    if template is not None:
        path = template if template.is_absolute() else project_dir / template
        if not path.is_file():
            raise ProjectError(f"{path} does not exist")
        return path
    found = [project_dir / name for name in (*TEMPLATE_NAMES, NATIVE_NAME) if (project_dir / name).is_file()]
    pyproject = project_dir / PYPROJECT
    if pyproject.is_file() and _has_native_table(pyproject):
        found.append(pyproject)
    if len(found) > 1:
        names = ", ".join(path.name for path in found)
        raise ProjectError(f"{project_dir} has {names}: pass --template FILE to say which one describes the project")
    if not found:
        raise ProjectError(
            f"no {' / '.join(TEMPLATE_NAMES)}, {NATIVE_NAME} or [tool.lambdaworks] in {PYPROJECT} in {project_dir}: "
            "pass the project folder or --template FILE"
        )
    return found[0]


def load_project(
    project_dir: Path,
    template: Path | None = None,
    overrides: Mapping[str, str] | None = None,
    local: LocalServices = NO_SERVICES,
) -> Project:
    """Load the project in ``project_dir`` from whichever description it has; ``local``: where the
    local services answer (the values of their resources)."""
    path = find_template(project_dir.resolve(), template)
    if path.suffix == ".toml":
        from lambdaworks.project.native import load_native

        return load_native(path, overrides, local)
    return load_sam(path, overrides, local)


def _has_native_table(pyproject: Path) -> bool:
    """Whether ``pyproject`` holds a ``[tool.lambdaworks]`` table (the native loader, with TOML and its
    checks, is imported only for a project that may have one: ~10 ms a SAM project's start skips)."""
    from lambdaworks.project.native import read_config

    return read_config(pyproject) is not None
