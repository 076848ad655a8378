"""Test helpers: event factories, a Lambda context and an in-process client (also a pytest plugin).

These helpers need nothing but the standard library; the pytest fixtures live in
``lambdaworks.testing.plugin`` and load automatically when lambdaworks is installed.
"""

from lambdaworks.runtime.context import LambdaContext
from lambdaworks.testing.client import LambdaClient, LambdaResponse, ResponseHeaders, decode_result
from lambdaworks.testing.events import (
    alb_event,
    apigw_v1_event,
    apigw_v2_event,
    cloudwatch_logs_event,
    dynamodb_event,
    eventbridge_event,
    function_url_event,
    http_v1_event,
    kinesis_event,
    make_event,
    make_http_event,
    s3_event,
    schedule_event,
    sns_event,
    sqs_event,
)

__all__ = [
    "LambdaClient",
    "LambdaContext",
    "LambdaResponse",
    "ResponseHeaders",
    "alb_event",
    "apigw_v1_event",
    "apigw_v2_event",
    "cloudwatch_logs_event",
    "decode_result",
    "dynamodb_event",
    "eventbridge_event",
    "function_url_event",
    "http_v1_event",
    "kinesis_event",
    "make_event",
    "make_http_event",
    "s3_event",
    "schedule_event",
    "sns_event",
    "sqs_event",
]
