"""Find and load a project: ``template.yaml``/``template.yml``/``template.json`` (SAM)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lambdaworks.project.errors import ProjectError
from lambdaworks.project.model import Project
from lambdaworks.project.sam import load_sam

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")


def find_template(project_dir: Path, template: Path | None = None) -> Path:
    """The template to load: ``template`` if given, else the first SAM template in the folder."""
    if template is not None:
        path = template if template.is_absolute() else project_dir / template
        if not path.is_file():
            raise ProjectError(f"{path} does not exist")
        return path
    for name in TEMPLATE_NAMES:
        if (project_dir / name).is_file():
            return project_dir / name
    raise ProjectError(f"no {' / '.join(TEMPLATE_NAMES)} in {project_dir}: pass the project folder or --template FILE")


def load_project(
    project_dir: Path, template: Path | None = None, overrides: Mapping[str, str] | None = None
) -> Project:
    """Load the project in ``project_dir``."""
    return load_sam(find_template(project_dir.resolve(), template), overrides)
