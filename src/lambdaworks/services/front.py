"""The endpoint's front, before moto: which service a request is for, marking it changed for the
state keeper, and one S3 fidelity fix (a form-encoded PUT body is stored as sent)."""

from __future__ import annotations

from typing import Any

from lambdaworks.services.state import StateKeeper


def service_of(environ: dict[str, Any]) -> str:
    """Which service a request to the endpoint is for (as moto's dispatcher tells them apart)."""
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target.startswith("DynamoDB"):
        return "dynamodb"
    if target.startswith("AmazonSQS"):
        return "sqs"
    if target.startswith("AWSEvents"):
        return "events"
    scope = str(environ.get("HTTP_AUTHORIZATION", "")) or str(environ.get("QUERY_STRING", ""))
    for service in ("sqs", "sns", "events", "dynamodb"):
        if f"/{service}/aws4_request" in scope or f"%2F{service}%2Faws4_request" in scope:
            return service
    return "s3"


#: JSON-protocol reads that come as POSTs; the pollers make them every second while a queue is idle.
READS = frozenset(
    {
        "AmazonSQS.ReceiveMessage",
        "AmazonSQS.GetQueueUrl",
        "AmazonSQS.GetQueueAttributes",
        "AmazonSQS.ListQueues",
        "DynamoDBStreams_20120810.GetRecords",
        "DynamoDBStreams_20120810.GetShardIterator",
        "DynamoDBStreams_20120810.DescribeStream",
    }
)


class Watch:
    """WSGI middleware: a request that may change a service marks it for writing."""

    def __init__(self, app: Any, keeper: StateKeeper) -> None:
        self.app = app
        self.keeper = keeper

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD", "OPTIONS"):
            return self.app(environ, start_response)
        service = service_of(environ)
        if environ.get("HTTP_X_AMZ_TARGET") in READS:  # a poll: it changes the queue only if it got messages
            answer = b"".join(self.app(environ, start_response))
            if b"ReceiptHandle" in answer:
                self.keeper.mark(service)
            return [answer]
        self.keeper.mark(service)
        if service == "s3" and environ.get("REQUEST_METHOD") == "PUT" and _is_form(environ):
            # S3 stores a PUT's body as it is, whatever its Content-Type; moto reads a form-encoded one
            # (curl --data-binary, urllib's default) as a query string: stored empty, or stuck on binary
            environ["CONTENT_TYPE"] = "application/octet-stream"
        try:
            return self.app(environ, start_response)
        finally:  # again when done: a long upload may outlast the write that the first mark caused
            self.keeper.mark(service)


def _is_form(environ: dict[str, Any]) -> bool:
    return str(environ.get("CONTENT_TYPE", "")).lower().startswith("application/x-www-form-urlencoded")
