"""Function URLs (``FunctionUrlConfig``): each function's own endpoint, on a port of its own.

On AWS a function URL is a host of its own (``https://<url-id>.lambda-url.<region>.on.aws/``)
serving every path and method with payload 2.0 events; locally each gets a loopback port from
``--url-port`` on, in template order. ``AuthType: AWS_IAM`` requires a SigV4 ``Authorization``
header of the right shape (its signature is not verified locally, as the start-up warning says);
without one the answer is AWS's 403 ``AccessDeniedException``, as recorded on AWS (awsdocs/aws-
lambda-developer-guide issue 494). A failed function is a 502 ``Internal Server Error``
(awsdocs/aws-lambda-developer-guide issue 430). CORS follows the HTTP API rules (same fields).
"""

from __future__ import annotations

import re

from lambdaworks.local import cors, jsonio
from lambdaworks.local.http import Request, Response, json_response
from lambdaworks.local.invoker import QUEUE_WAIT, SYNC_LIMIT, Invoker
from lambdaworks.local.live import LiveProject
from lambdaworks.local.pool import Throttled
from lambdaworks.project.model import Function
from lambdaworks.runtime.context import new_request_id
from lambdaworks.runtime.encoding import is_text_media_type
from lambdaworks.wire import results
from lambdaworks.wire.function_url import function_url_event

FORBIDDEN = (
    b'{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: '
    b'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}'
)
TOO_LARGE = b'{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}'
#: The shape of a SigV4 Authorization header for Lambda (credential scope .../lambda/aws4_request).
SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256 Credential=[^/\s]+/\d{8}/[a-z0-9-]+/lambda/aws4_request, ?"
    r"SignedHeaders=[a-z0-9-]+(;[a-z0-9-]+)*, ?Signature=[0-9a-f]{64}"
)


def failed() -> Response:
    """A function URL's answer to a failed function or a result it cannot use."""
    answer = results.malformed(results.FUNCTION_URL)
    return Response(answer.status, answer.headers, answer.body)


def signed(request: Request) -> bool:
    """True when the request carries a SigV4 signature of Lambda's shape (not checked cryptographically)."""
    authorization = request.header("authorization") or ""
    return bool(SIGV4.fullmatch(authorization)) and bool(request.header("x-amz-date"))


class FunctionUrlFront:
    """The HTTP handler of one function's URL."""

    def __init__(self, name: str, live: LiveProject, invoker: Invoker) -> None:
        self.name = name
        self.live = live  # the current project: a reload changes auth and CORS here too
        self.invoker = invoker

    async def __call__(self, request: Request) -> Response:
        function = self.live.current.functions.get(self.name)
        if function is None or function.url is None:
            return json_response(404, b'{"Message":"Not Found"}')
        config = function.url
        if config.cors is not None and cors.is_preflight(request):
            return cors.http_preflight(config.cors, request)
        if config.auth_type == "AWS_IAM" and not signed(request):
            return json_response(403, FORBIDDEN, [("x-amzn-ErrorType", "AccessDeniedException")])
        request_id = new_request_id()
        response = await self.serve(request, function, request_id)
        response.headers.append(("x-amzn-RequestId", request_id))
        return cors.http_decorate(config.cors, request, response) if config.cors is not None else response

    async def serve(self, request: Request, function: Function, request_id: str) -> Response:
        """The function's answer to ``request``, read as a function URL reads it."""
        host = request.header("host") or f"127.0.0.1:{request.local_port}"
        event = function_url_event(
            request.method,
            request.path,
            query=request.query,
            headers=request.headers,
            body=request.body or None,
            binary=bool(request.body) and not is_text_media_type(request.header("content-type")),
            domain=host,
            source_ip=request.client[0],
            request_id=request_id,
        )
        payload = jsonio.dumps(event)
        if len(payload) > SYNC_LIMIT:
            return json_response(413, TOO_LARGE)
        try:
            outcome = await self.invoker.invoke(self.name, payload, wait=QUEUE_WAIT, request_id=request_id)
        except Throttled:
            return json_response(429, b'{"Message":"Rate Exceeded."}')
        if outcome.failed:
            return failed()
        try:
            result = results.parse_payload(outcome.payload)
            answer = results.to_response(results.FUNCTION_URL, result, payload=outcome.payload)
        except results.MalformedResult:
            return failed()
        return Response(answer.status, answer.headers, answer.body)
