"""The Lambda Invoke API (``POST /2015-03-31/functions/{name}/invocations``), as boto3 and the AWS
CLI call it. Errors carry ``x-amzn-ErrorType`` so botocore raises the right exception class."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import unquote

from lambdaworks.local.delivery import AsyncDelivery
from lambdaworks.local.http import Request, Response, json_response
from lambdaworks.local.invoker import ASYNC_LIMIT, SYNC_LIMIT, Invoker
from lambdaworks.local.live import LiveProject
from lambdaworks.local.pool import Throttled
from lambdaworks.project.model import function_arn

#: AWS's answer to a client context it cannot use (recorded on AWS).
CLIENT_CONTEXT_ERROR = "Client context must be a valid Base64-encoded JSON object."
_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")
#: Invoke's FunctionName pattern, as AWS's API model states it (botocore's lambda service-2.json,
#: shape NamespacedFunctionName); a name it does not match is a ValidationException.
NAME_PATTERN = re.compile(
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?"
    r"(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)


def aws_error(status: int, error_type: str, message: str, **extra: object) -> Response:
    body = json.dumps({"Type": "User", "message": message, "Message": message, **extra}).encode()
    return json_response(status, body, [("x-amzn-ErrorType", f"{error_type}:"), ("x-amzn-RequestId", "local")])


def function_name(raw: str) -> str:
    """A name, partial ARN or full ARN (``...:function:NAME[:qualifier]``) -> ``NAME``."""
    name = unquote(raw)
    if ":function:" in name:
        name = name.split(":function:", 1)[1]
    return name.split(":", 1)[0]


class InvokeApi:
    """HTTP handler for the Invoke API."""

    def __init__(self, invoker: Invoker, live: LiveProject, delivery: AsyncDelivery) -> None:
        self.invoker = invoker
        self.live = live
        self.delivery = delivery

    async def __call__(self, request: Request) -> Response:
        match = _PATH.match(request.path)
        if match is None or request.method != "POST":
            return aws_error(404, "UnknownOperationException", f"Unknown operation {request.method} {request.path}")
        raw = unquote(match.group("name"))
        if not NAME_PATTERN.fullmatch(raw):
            return aws_error(
                400,
                "ValidationException",
                f"1 validation error detected: Value '{raw}' at 'functionName' failed to satisfy constraint: "
                f"Member must satisfy regular expression pattern: {NAME_PATTERN.pattern}",
            )
        name = function_name(raw)
        if name not in self.live.current.functions:
            return aws_error(404, "ResourceNotFoundException", f"Function not found: {function_arn(name)}:$LATEST")
        kind = request.header("X-Amz-Invocation-Type") or "RequestResponse"
        payload = request.body or b"{}"
        limit = ASYNC_LIMIT if kind == "Event" else SYNC_LIMIT
        if len(payload) > limit:
            return aws_error(  # the code AWS sends on the wire (botocore models it as RequestTooLargeException)
                413,
                "RequestEntityTooLargeException",
                f"Request must be smaller than {limit} bytes for the InvokeFunction operation",
            )
        try:
            json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            return aws_error(
                400,
                "InvalidRequestContentException",
                f"Could not parse request body into json: Could not parse payload into json: {exc}",
            )
        if kind == "DryRun":
            return Response(204, [("X-Amz-Executed-Version", "$LATEST")])
        if kind == "Event":
            request_id = self.delivery.accept(name, payload)  # durable before the 202
            return Response(202, [("X-Amz-Executed-Version", "$LATEST"), ("x-amzn-RequestId", request_id)])
        if kind != "RequestResponse":
            return aws_error(400, "InvalidParameterValueException", f"Unsupported invocation type {kind}")
        tail = (request.header("X-Amz-Log-Type") or "").lower() == "tail"
        try:
            client_context = self._client_context(request)
        except ValueError:  # refused before anything runs, as AWS refuses it
            return aws_error(400, "InvalidRequestContentException", CLIENT_CONTEXT_ERROR)
        try:
            outcome = await self.invoker.invoke(name, payload, client_context=client_context, tail=tail)
        except Throttled:
            return aws_error(
                429,
                "TooManyRequestsException",
                "Rate Exceeded.",
                Reason="ReservedFunctionConcurrentInvocationLimitExceeded",
                retryAfterSeconds=1,
            )
        headers = [("X-Amz-Executed-Version", "$LATEST"), ("x-amzn-RequestId", outcome.request_id)]
        if outcome.failed:
            headers.append(("X-Amz-Function-Error", "Unhandled"))
        if tail:
            last = outcome.logs.encode()[-4096:]
            headers.append(("X-Amz-Log-Result", base64.b64encode(last).decode()))
        return json_response(200, outcome.payload, headers)

    @staticmethod
    def _client_context(request: Request) -> str | None:
        """The decoded ``X-Amz-Client-Context``; ValueError unless it is base64 of a JSON object."""
        raw = request.header("X-Amz-Client-Context")
        if not raw:
            return None
        text = base64.b64decode(raw, validate=True).decode()
        if not isinstance(json.loads(text), dict):
            raise ValueError("not a JSON object")
        return text
