"""The log handler Lambda's Python runtime puts on the root logger, so ``logging`` in a function reads
locally as it does in CloudWatch.

Text, the default: ``[LEVEL]\\t2026-11-30T19:30:00.123Z\\t<request id>\\t<message>``, times in UTC.
JSON (``AWS_LAMBDA_LOG_FORMAT=JSON``, which Lambda sets from ``LoggingConfig.LogFormat``): one
object a line with ``timestamp``, ``level``, ``message``, ``logger`` and ``requestId``, plus
``errorType``, ``errorMessage``, ``stackTrace`` and ``location`` for an exception and any ``extra``
fields; ``AWS_LAMBDA_LOG_LEVEL`` (``LoggingConfig.ApplicationLogLevel``) sets the root logger's
level. These are the fields and formats of AWS's runtime interface client (``awslambdaric``),
which the emulator's tests run beside this one.

Standard library only, imported by the bootstrap at init, never by ``import lambdaworks``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

#: The request being served: the bootstrap sets ``CURRENT[0]`` per invocation ("" during init).
CURRENT = [""]

TEXT_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
TEXT_DATES = "%Y-%m-%dT%H:%M:%S"
JSON_DATES = "%Y-%m-%dT%H:%M:%SZ"
#: A record's attributes that are not ``extra`` fields of a JSON line.
RESERVED = frozenset(
    {
        *logging.LogRecord("", 0, "", 0, "", (), None).__dict__,
        "message",
        "asctime",
        "aws_request_id",
        "tenant_id",
        "taskName",
    }
)
ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
LEVELS = {"TRACE": "DEBUG"}  # Lambda's TRACE is Python's DEBUG


class RequestId(logging.Filter):
    """Stamps each record with the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = CURRENT[0]
        return True


class ToStdout(logging.Handler):
    """Writes each formatted record to the function's output, as the runtime's log sink does."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record))
        except Exception:
            self.handleError(record)


class JsonLines(logging.Formatter):
    """One JSON object per record, with the fields Lambda's JSON log format has."""

    def __init__(self) -> None:
        super().__init__(datefmt=JSON_DATES)

    def format(self, record: logging.LogRecord) -> str:
        level = min(50, max(0, record.levelno)) // 10 * 10
        exc = record.exc_info
        fields: dict[str, Any] = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": logging.getLevelName(level),
            "message": record.msg if isinstance(record.msg, dict) and not record.args else record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc[2]) if exc else None,
            "errorType": exc[0].__name__ if exc and exc[0] is not None else None,
            "errorMessage": str(exc[1]) if exc else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if exc else None,
        }
        fields.update((k, v) for k, v in record.__dict__.items() if k not in RESERVED and k not in fields)
        return ENCODER.encode({k: v for k, v in fields.items() if v is not None}) + "\n"


def install(environ: Mapping[str, str]) -> logging.Handler:
    """Put Lambda's handler on the root logger, in the format and at the level ``environ`` asks for."""
    logging.Formatter.converter = time.gmtime  # Lambda's clock is UTC, for the function's own formatters too
    handler = ToStdout()
    as_json = environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"
    handler.setFormatter(JsonLines() if as_json else logging.Formatter(TEXT_FORMAT, TEXT_DATES))
    handler.addFilter(RequestId())
    root = logging.getLogger()
    level = environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    level = LEVELS.get(level, level)
    if level in ("DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL"):
        root.setLevel(level)
    root.addHandler(handler)
    return handler
