"""The ``AWS::Serverless::LayerVersion`` of a built layer zip, as both template writers add it."""

from __future__ import annotations

from typing import Any

from lambdaworks.build.artifacts import DEPENDENCIES, BuildResult
from lambdaworks.deploy.artifacts import Location
from lambdaworks.project.names import pascal

LAYER = "AWS::Serverless::LayerVersion"


def layer_id(name: str) -> str:
    """The logical ID of the layer zip ``name`` (``deps-0b4a7c00500e.zip`` -> ``Deps0b4a7c00500e``)."""
    return pascal(name.removesuffix(".zip"))


def layer_resource(build: BuildResult, name: str, location: Location) -> dict[str, Any]:
    """The layer version of zip ``name``, compatible with the runtimes and architectures using it."""
    artifact = build.artifacts[name]
    users = [f for _, f in sorted(build.functions.items()) if name in f.layers]
    kind = "dependencies" if artifact.kind == DEPENDENCIES else "layer"
    label = name.removesuffix(".zip").removeprefix("deps-").removeprefix("layer-")
    return {
        "Type": LAYER,
        "Properties": {
            "LayerName": {"Fn::Sub": f"${{AWS::StackName}}-{kind}-{label}"[:140]},
            "Description": f"{kind} {label} (sha256 {artifact.sha256[:12]})",
            "ContentUri": location.uri,
            "CompatibleRuntimes": sorted({f.runtime for f in users}),
            "CompatibleArchitectures": sorted({f.architecture for f in users}),
            "RetentionPolicy": "Delete",
        },
    }
