"""Event factories: the same ones the emulator's gateway builds its events with (:mod:`lambdaworks.wire`)."""

from lambdaworks.wire.alb import alb_event
from lambdaworks.wire.common import BodyIn, CookiesIn, HeadersIn, QueryIn
from lambdaworks.wire.function_url import function_url_event
from lambdaworks.wire.http_api import apigw_v2_event, http_v1_event
from lambdaworks.wire.records import (
    cloudwatch_logs_event,
    dynamodb_event,
    eventbridge_event,
    kinesis_event,
    s3_event,
    schedule_event,
    sns_event,
    sqs_event,
)
from lambdaworks.wire.rest import apigw_v1_event
from lambdaworks.wire.sources import HTTP_SOURCES, OTHER_SOURCES, make_event, make_http_event

__all__ = [
    "HTTP_SOURCES",
    "OTHER_SOURCES",
    "BodyIn",
    "CookiesIn",
    "HeadersIn",
    "QueryIn",
    "alb_event",
    "apigw_v1_event",
    "apigw_v2_event",
    "cloudwatch_logs_event",
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
