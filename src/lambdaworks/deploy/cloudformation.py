"""SAM to CloudFormation with aws-sam-translator, then every ARN made partition aware.

The translator writes the partition of the region it translates for (``arn:aws:...``) into the
ARNs it builds, and user templates often hard-code ``arn:aws:``. Deployed to aws-cn or
aws-us-gov, those ARNs are wrong, so every string that starts with a literal partition becomes
``Fn::Sub "arn:${AWS::Partition}:..."`` and one template deploys to every partition.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from lambdaworks.deploy.errors import DeployError

#: A literal partition at the start of an ARN (or after an intrinsic's text, inside a Sub string).
LITERAL_PARTITION = re.compile(r"arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:")
REST_API = "AWS::ApiGateway::RestApi"


def to_cloudformation(
    sam: Mapping[str, Any], region: str, parameters: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``sam`` translated as CloudFormation would for ``region``, with partition-aware ARNs."""
    import boto3
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    values = dict(parameters or {})
    try:
        translated = translator.translate(json.loads(json.dumps(sam)), parameter_values=values)
    except InvalidDocumentException as exc:
        reasons = "; ".join(str(cause) for cause in exc.causes)
        raise DeployError(f"the SAM template is invalid: {reasons}") from None
    cloudformation: dict[str, Any] = dict(translated)
    for section in ("Resources", "Outputs"):  # not Conditions or Mappings, where Fn::Sub is not allowed
        if section in cloudformation:
            cloudformation[section] = partition_aware(cloudformation[section])
    name_rest_apis(cloudformation)
    return cloudformation


def partition_aware(node: Any) -> Any:
    """``node`` with literal ``arn:aws...:`` prefixes replaced by ``${AWS::Partition}``."""
    if isinstance(node, str):
        if not LITERAL_PARTITION.search(node):
            return node
        return {"Fn::Sub": LITERAL_PARTITION.sub("arn:${AWS::Partition}:", node.replace("${", "${!"))}
    if isinstance(node, list):
        return [partition_aware(item) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Fn::Sub"}:
        value = node["Fn::Sub"]
        if isinstance(value, str):
            return {"Fn::Sub": LITERAL_PARTITION.sub("arn:${AWS::Partition}:", value)}
        if isinstance(value, list) and value and isinstance(value[0], str):
            text = LITERAL_PARTITION.sub("arn:${AWS::Partition}:", value[0])
            return {"Fn::Sub": [text, *(partition_aware(v) for v in value[1:])]}
    return {key: partition_aware(value) for key, value in node.items()}


def name_rest_apis(template: dict[str, Any]) -> None:
    """Give each REST API the ``Name`` its OpenAPI body's title implies, so every tool sees one."""
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") != REST_API:
            continue
        props = resource.setdefault("Properties", {})
        title = ((props.get("Body") or {}).get("info") or {}).get("title")
        if "Name" not in props and title is not None:
            props["Name"] = title
