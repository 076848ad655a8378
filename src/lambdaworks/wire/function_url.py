"""Lambda Function URLs: payload 2.0 on a ``lambda-url`` domain, with no stage."""

from __future__ import annotations

from typing import Any

from lambdaworks.wire.common import API_ID, REGION
from lambdaworks.wire.http_api import apigw_v2_event


def function_url_event(method: str = "GET", path: str = "/", **kwargs: Any) -> dict[str, Any]:
    """A Lambda Function URL event (payload 2.0 on a ``lambda-url`` domain, no stage)."""
    kwargs.pop("stage", None)
    kwargs.pop("base_path", None)
    domain = kwargs.pop("domain", None) or f"{API_ID}{API_ID}{API_ID[:12]}.lambda-url.{REGION}.on.aws"
    event = apigw_v2_event(method, path, domain=domain, decode_path=False, **kwargs)  # the path as sent
    event["requestContext"]["apiId"] = domain.split(".", 1)[0]
    return event
