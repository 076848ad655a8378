"""Event sources: HTTP sources (tried in order) and detection of non-HTTP sources."""

from __future__ import annotations

from lambdaworks.runtime.events.alb import Alb
from lambdaworks.runtime.events.apigw_v1 import ApiGatewayV1
from lambdaworks.runtime.events.apigw_v2 import ApiGatewayV2, FunctionUrl
from lambdaworks.runtime.events.base import HttpSource, Options

#: HTTP sources in the order they are tried; the first whose ``infer`` is true translates.
HTTP_SOURCES: tuple[HttpSource, ...] = (ApiGatewayV2(), FunctionUrl(), ApiGatewayV1(), Alb())

#: Look-up by name, for callers that know the source (``handler(app, source="alb")``).
HTTP_SOURCES_BY_NAME: dict[str, HttpSource] = {s.name: s for s in HTTP_SOURCES}

__all__ = [
    "HTTP_SOURCES",
    "HTTP_SOURCES_BY_NAME",
    "Alb",
    "ApiGatewayV1",
    "ApiGatewayV2",
    "FunctionUrl",
    "HttpSource",
    "Options",
]
