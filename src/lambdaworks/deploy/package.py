"""From a project to what CloudFormation deploys: build, locate the zips, write SAM, translate, lint.

``prepare`` needs no AWS (``lambdaworks template`` prints its result); ``package`` uploads the
zips the bucket lacks and writes the templates next to the build.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lambdaworks.build.artifacts import BuildResult
from lambdaworks.deploy.artifacts import PLACEHOLDER_BUCKET, Location, locations
from lambdaworks.deploy.checked import checked
from lambdaworks.deploy.errors import DeployError
from lambdaworks.deploy.lint import Problem
from lambdaworks.deploy.native import Settings, sam_template
from lambdaworks.deploy.sam import packaged_template
from lambdaworks.deploy.upload import Uploads, upload
from lambdaworks.project.model import Project

#: Template parameters ``--stage`` sets in a SAM project, in order of preference.
STAGE_PARAMETERS = ("Stage", "StageName", "Environment", "Env")


@dataclass(frozen=True)
class Target:
    """Where a package goes: the bucket and prefix, the region, and the command line's overrides."""

    bucket: str | None = None
    prefix: str = ""
    region: str = "us-east-1"
    stage: str | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Prepared:
    """A project ready to deploy: its SAM template, the CloudFormation it becomes, and the zips it needs."""

    project: Project
    build: BuildResult
    located: dict[str, Location]
    sam: dict[str, Any]
    cloudformation: dict[str, Any]
    parameters: dict[str, str]  # CloudFormation parameters (a SAM project's overrides)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # cfn-lint's findings on the CloudFormation
    uploads: Uploads | None = None

    def files(self) -> dict[str, Path]:
        """Each artifact the template uses -> its zip."""
        return {name: self.build.out / name for name in self.located}

    def write(self, out: Path) -> tuple[Path, Path]:
        """``template.yaml`` (SAM, packaged) and ``cloudformation.json`` in ``out``."""
        out.mkdir(parents=True, exist_ok=True)
        sam_path, cfn_path = out / "template.yaml", out / "cloudformation.json"
        sam_path.write_text(yaml.safe_dump(self.sam, sort_keys=False, width=120))
        cfn_path.write_text(json.dumps(self.cloudformation, indent=2) + "\n")
        return sam_path, cfn_path


def prepare(project: Project, build: BuildResult, target: Target, cache: Path | None = None) -> Prepared:
    """The templates deploying ``build`` of ``project`` to ``target``, linted (nothing is uploaded).

    ``cache`` keeps translations and lint results by template (see :mod:`.checked`).
    """
    used = {name for f in build.functions.values() for name in (f.code, *f.layers)}
    hashes = {name: build.artifacts[name].sha256 for name in sorted(used)}
    located = locations(hashes, target.bucket or PLACEHOLDER_BUCKET, target.prefix)
    warnings: list[str] = []
    parameters: dict[str, str] = {}
    if project.is_sam:
        sam = packaged_template(project, build, located, warnings.append)
        parameters = sam_parameters(sam, target)
    else:
        sam = sam_template(project, build, located, Settings(target.region, target.stage), warnings.append)
    cloudformation, problems = checked(sam, target.region, parameters, cache)
    return Prepared(project, build, located, sam, cloudformation, parameters, warnings, problems)


def sam_parameters(sam: dict[str, Any], target: Target) -> dict[str, str]:
    """A SAM project's parameter overrides, ``--stage`` included, checked against its Parameters."""
    declared = sam.get("Parameters") or {}
    parameters = dict(target.overrides)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise DeployError(f"--parameter-overrides names parameters the template does not declare: {', '.join(unknown)}")
    if target.stage is not None:
        name = next((n for n in STAGE_PARAMETERS if n in declared), None)
        if name is None:
            raise DeployError(
                f"--stage needs a template parameter for the stage ({', '.join(STAGE_PARAMETERS)}); "
                "declare one and use it as the API's StageName"
            )
        parameters[name] = target.stage
    return parameters


def package(prepared: Prepared, s3: Any, on_upload: Callable[[str, int], None] = lambda name, size: None) -> Prepared:
    """Upload the zips ``prepared`` needs that the bucket does not have yet."""
    prepared.uploads = upload(s3, prepared.files(), prepared.located, on_upload)
    return prepared
