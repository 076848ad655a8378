"""A user's own SAM template, made deployable: its code and layers pointed at the uploaded zips.

Everything else in the template is the user's and stays as written. Two additions, both reported:
the dependency layer each function's build made, and ``*/*`` binary media types on a REST API
that fronts a whole app (a ``{proxy+}`` route) and lists none, without which API Gateway would
hand binary responses to clients as base64 text.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from lambdaworks.build.artifacts import DEPENDENCIES, BuildResult
from lambdaworks.build.builder import layer_name
from lambdaworks.deploy.artifacts import Location
from lambdaworks.deploy.layers import layer_id, layer_resource
from lambdaworks.deploy.native import ALL_BINARY
from lambdaworks.project.model import Project
from lambdaworks.project.sam import FUNCTION, LAYER
from lambdaworks.project.yaml_loader import load_yaml


def packaged_template(
    project: Project,
    build: BuildResult,
    located: dict[str, Location],
    warn: Callable[[str], None] = lambda message: None,
) -> dict[str, Any]:
    """The template in ``project.source`` with local CodeUri/ContentUri replaced by S3 locations."""
    template: dict[str, Any] = copy.deepcopy(load_yaml(project.source))
    resources: dict[str, Any] = template.setdefault("Resources", {})
    root = project.source.parent
    added: dict[str, None] = {}  # dependency layer zips, in first use
    for logical, resource in list(resources.items()):
        props = resource.setdefault("Properties", {})
        if resource.get("Type") == FUNCTION and logical in build.functions:
            built = build.functions[logical]
            props["CodeUri"] = located[built.code].uri
            deps = [name for name in built.layers if build.artifacts[name].kind == DEPENDENCIES]
            added.update(dict.fromkeys(deps))
            if deps:
                props["Layers"] = [*props.get("Layers", []), *({"Ref": layer_id(name)} for name in deps)]
        elif resource.get("Type") == LAYER and isinstance(props.get("ContentUri"), str):
            name = layer_name((root / props["ContentUri"]).resolve(), project.root)
            if name in located:
                props["ContentUri"] = located[name].uri
    for name in added:
        logical = layer_id(name)
        if logical in resources:
            warn(f"the template already has a resource {logical}; the dependency layer {name} replaces it")
        resources[logical] = layer_resource(build, name, located[name])
    binary_media_types(template, project)
    return template


def binary_media_types(template: dict[str, Any], project: Project) -> None:
    """Write the ``*/*`` the project model gave REST APIs that front a whole app (the loader warned)."""
    resources = template["Resources"]
    for name, api in sorted(project.apis.items()):
        if not api.binary_defaulted:
            continue
        if name in resources:
            resources[name].setdefault("Properties", {})["BinaryMediaTypes"] = [ALL_BINARY]
        else:  # the implicit API takes Globals.Api
            template.setdefault("Globals", {}).setdefault("Api", {})["BinaryMediaTypes"] = [ALL_BINARY]
