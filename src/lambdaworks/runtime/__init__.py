"""The runtime adapter: what ships inside a Lambda function. Standard library only.

    import lambdaworks
    handler = lambdaworks.handler(app)      # any WSGI or ASGI app

Nothing here imports the emulator, packager, CLI or any third-party module, and ``asyncio`` is
imported only for ASGI apps: this package's import time is the function's cold start.
"""

from lambdaworks.runtime.adapter import MAX_RESPONSE_BYTES, Handler, detect_interface, handler
from lambdaworks.runtime.batch import process_batch
from lambdaworks.runtime.context import LambdaContext
from lambdaworks.runtime.encoding import is_binary_response
from lambdaworks.runtime.errors import (
    ConfigurationError,
    EventDeliveryError,
    LambdaworksRuntimeError,
    LifespanError,
    MalformedEvent,
    UnsupportedEvent,
)
from lambdaworks.runtime.events.records import detect as detect_source
from lambdaworks.runtime.types import HttpRequest, HttpResponse

__all__ = [
    "MAX_RESPONSE_BYTES",
    "ConfigurationError",
    "EventDeliveryError",
    "Handler",
    "HttpRequest",
    "HttpResponse",
    "LambdaContext",
    "LambdaworksRuntimeError",
    "LifespanError",
    "MalformedEvent",
    "UnsupportedEvent",
    "detect_interface",
    "detect_source",
    "handler",
    "is_binary_response",
    "process_batch",
]
