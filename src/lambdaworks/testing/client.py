"""An in-process client: builds real events, calls the handler, decodes the result like AWS would.

client = LambdaClient(handler, source="http-v2")
response = client.get("/items", query={"page": "2"})
assert response.status == 200 and response.json() == [...]
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from http.cookies import SimpleCookie
from typing import Any

from lambdaworks.runtime.bootstrap import RuntimeFault, marshal
from lambdaworks.runtime.context import LambdaContext
from lambdaworks.runtime.types import find_header
from lambdaworks.testing.events import BodyIn, HeadersIn, QueryIn, make_http_event
from lambdaworks.wire import results


class ResponseHeaders:
    """Response headers in order, repeats kept; look-ups are case-insensitive."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = list(pairs)

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.get_all(name)
        return values[0] if values else default

    def get_all(self, name: str) -> list[str]:
        lower = name.lower()
        return [v for k, v in self.pairs if k.lower() == lower]

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.get_all(name))

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k for k, _ in self.pairs))

    def __len__(self) -> int:
        return len(self.pairs)

    def __repr__(self) -> str:
        return f"ResponseHeaders({self.pairs!r})"


class LambdaResponse:
    """What a client of API Gateway/ALB would receive for a handler's result."""

    def __init__(self, result: Any, event: dict[str, Any], source: str = "http-v2") -> None:
        self.result = result
        self.event = event
        self.status, pairs, self.content = decode_result(
            result, source, accept=find_header(headers_of(event), "accept")
        )
        self.headers = ResponseHeaders(pairs)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)

    @property
    def cookies(self) -> dict[str, str]:
        """Cookies set by the response (name -> value)."""
        jar: SimpleCookie = SimpleCookie()
        for header in self.headers.get_all("set-cookie"):
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}

    def __repr__(self) -> str:
        return f"<LambdaResponse {self.status} {len(self.content)} bytes>"


#: Each HTTP source name -> the front whose rules read its results.
FRONTS = {
    "apigw-v1": results.REST,
    "rest": results.REST,
    "http-v1": results.HTTP_V1,
    "apigw-v2": results.HTTP_V2,
    "http-v2": results.HTTP_V2,
    "function-url": results.FUNCTION_URL,
    "alb": results.ALB,
    "alb-multi": results.ALB,
}


def decode_result(
    result: Any,
    source: str = "http-v2",
    *,
    accept: str | None = None,
    binary_media_types: Iterable[str] = (results.ALL_MEDIA_TYPES,),
) -> tuple[int, list[tuple[str, str]], bytes]:
    """``(status, header pairs, body bytes)`` a client of ``source`` receives for a handler's result,
    checked as the gateway checks it (a result it cannot use is its 502).

    The result goes through JSON first, as Lambda's runtime sends it. On a REST API a base64 body
    is decoded when the request's ``accept`` matches ``binary_media_types`` (every type, unless told).
    """
    front = FRONTS[source]
    try:
        payload = marshal(result)[0]
        answer = results.to_response(
            front,
            results.parse_payload(payload),
            accept=accept or results.ALL_MEDIA_TYPES,
            binary_media_types=binary_media_types,
            payload=payload,
        )
    except (results.MalformedResult, RuntimeFault):
        answer = results.malformed(front)
    return answer.status, list(answer.headers), answer.body


def headers_of(event: dict[str, Any]) -> list[tuple[str, str]]:
    """The request headers an HTTP event carries (any front's shape)."""
    multi = event.get("multiValueHeaders") or {}
    pairs = [(k, v) for k, vs in multi.items() for v in vs or ()]
    return pairs or [(k, str(v)) for k, v in (event.get("headers") or {}).items()]


class LambdaClient:
    """Calls ``handler`` in-process with events of one HTTP ``source``."""

    def __init__(
        self,
        handler: Callable[[Any, Any], Any],
        source: str = "http-v2",
        *,
        context_factory: Callable[[], Any] | None = None,
        **event_defaults: Any,
    ) -> None:
        self.handler = handler
        self.source = source
        self.context_factory = context_factory or LambdaContext
        self.event_defaults = event_defaults

    def request(
        self,
        method: str,
        path: str = "/",
        *,
        query: QueryIn = None,
        headers: HeadersIn = None,
        body: BodyIn = None,
        json: Any = None,
        cookies: Mapping[str, str] | Iterable[str] | None = None,
        **event_options: Any,
    ) -> LambdaResponse:
        """Send one request; ``json=`` sets the body and content type."""
        header_list = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
        if json is not None:
            body = jsonlib.dumps(json)
            if find_header(header_list, "content-type") is None:
                header_list.append(("Content-Type", "application/json"))
        options = {**self.event_defaults, **event_options}
        event = make_http_event(
            self.source, method, path, query=query, headers=header_list, body=body, cookies=cookies, **options
        )
        return LambdaResponse(self.handler(event, self.context_factory()), event, self.source)

    def get(self, path: str = "/", **kwargs: Any) -> LambdaResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str = "/", **kwargs: Any) -> LambdaResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str = "/", **kwargs: Any) -> LambdaResponse:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str = "/", **kwargs: Any) -> LambdaResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str = "/", **kwargs: Any) -> LambdaResponse:
        return self.request("DELETE", path, **kwargs)

    def head(self, path: str = "/", **kwargs: Any) -> LambdaResponse:
        return self.request("HEAD", path, **kwargs)

    def options(self, path: str = "/", **kwargs: Any) -> LambdaResponse:
        return self.request("OPTIONS", path, **kwargs)
