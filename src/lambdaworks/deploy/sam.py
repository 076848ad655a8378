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
from lambdaworks.project.sam import FUNCTION, IMPLICIT_REST, LAYER, REST_API
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
    binary_media_types(template, warn)
    return template


def binary_media_types(template: dict[str, Any], warn: Callable[[str], None]) -> None:
    """Give ``*/*`` to REST APIs that front a whole app and list no binary types; warn about the rest."""
    resources = template["Resources"]
    globals_api = (template.get("Globals") or {}).get("Api") or {}
    greedy: dict[str, bool] = {}
    for resource in resources.values():
        if resource.get("Type") != FUNCTION:
            continue
        for event in ((resource.get("Properties") or {}).get("Events") or {}).values():
            if not isinstance(event, dict) or event.get("Type") != "Api":
                continue
            props = event.get("Properties") or {}
            api = props.get("RestApiId", {"Ref": IMPLICIT_REST})
            name = api.get("Ref") if isinstance(api, dict) else api
            if isinstance(name, str):
                path = str(props.get("Path", ""))
                greedy[name] = greedy.get(name, False) or path.endswith("+}")
    if globals_api.get("BinaryMediaTypes"):
        return
    explicit = {name for name, resource in resources.items() if resource.get("Type") == REST_API}
    for name, whole_app in sorted(greedy.items()):
        if name in explicit:
            props = resources[name].setdefault("Properties", {})
            if props.get("BinaryMediaTypes"):
                continue
        elif name != IMPLICIT_REST:
            continue
        if whole_app and (name in explicit or not explicit):  # Globals.Api would change explicit APIs too
            target = props if name in explicit else template.setdefault("Globals", {}).setdefault("Api", {})
            target["BinaryMediaTypes"] = [ALL_BINARY]
            warn(f"{name}: fronts a whole app ({{proxy+}}) and lists no BinaryMediaTypes; deployed with */*")
        else:
            warn(
                f"{name}: no BinaryMediaTypes, so API Gateway returns binary responses (images, fonts) as "
                "base64 text; add BinaryMediaTypes: ['*~1*'] to the API"
            )
