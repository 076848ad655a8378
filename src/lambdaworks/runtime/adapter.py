"""The Lambda handler: routes an event to the web app (HTTP sources) or to ``@handler.on`` functions.

Order of dispatch for a dict event:

1. user handlers registered with a predicate (``@handler.on(callable)``), in registration order;
2. HTTP sources (API Gateway v2, Function URL, API Gateway v1/HTTP API 1.0, ALB) -> the app;
3. detected non-HTTP source (S3, SQS, ...) -> the handler registered for it (``schedule``
   falls back to ``eventbridge``); warm-up pings answered when enabled;
4. ``events_path``: the raw event POSTed to the app, for apps moving off Lambda;
5. otherwise :class:`UnsupportedEvent` naming the keys seen.
"""

from __future__ import annotations

import os

from lambdaworks.runtime.batch import process_batch
from lambdaworks.runtime.encoding import binary_rule, cached, is_binary_response
from lambdaworks.runtime.errors import (
    ConfigurationError,
    EventDeliveryError,
    MalformedEvent,
    UnsupportedEvent,
)
from lambdaworks.runtime.events import HTTP_SOURCES, HTTP_SOURCES_BY_NAME, Options
from lambdaworks.runtime.events.records import BATCH_SOURCES, SOURCES, detect
from lambdaworks.runtime.types import HttpRequest, HttpResponse
from lambdaworks.runtime.wsgi import build_environ, run_wsgi

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from lambdaworks.runtime.encoding import BinaryRule
    from lambdaworks.runtime.events.base import HttpSource
    from lambdaworks.runtime.types import EventHandler, Result

#: The base path mapping of the custom domain in front of the function, when ``base_path`` is not given.
BASE_PATH_ENV = "LAMBDAWORKS_BASE_PATH"

#: Lambda's limit on a synchronous response payload, in bytes.
MAX_RESPONSE_BYTES = 6_291_556

_CO_COROUTINE = 0x80
_INTERNAL_ERROR = b'{"message": "Internal Server Error"}'
_GATEWAY_ERROR = b'{"message": "Internal server error"}'


def _code_of(obj: Any) -> Any:
    code = getattr(obj, "__code__", None)
    if code is None:
        call = getattr(type(obj), "__call__", None)  # noqa: B004 - we want its code object, not callability
        code = getattr(call, "__code__", None)
    return code


def detect_interface(app: Any) -> str:
    """``"asgi"`` for coroutine callables taking (scope, receive, send), else ``"wsgi"``."""
    target = app
    while type(target).__name__ == "partial" and callable(getattr(target, "func", None)):
        target = target.func  # functools.partial, without importing functools
    if getattr(target, "_is_coroutine_marker", None) is not None:
        return "asgi"
    if getattr(target, "_is_coroutine", None) is not None and not callable(getattr(target, "_is_coroutine", None)):
        return "asgi"
    code = _code_of(target)
    if code is None:
        return "wsgi"
    if code.co_flags & _CO_COROUTINE:
        return "asgi"
    args = code.co_argcount - (0 if getattr(target, "__code__", None) is not None else 1)
    return "asgi" if args == 3 else "wsgi"


def _log_exception(message: str) -> None:
    import logging

    logging.getLogger("lambdaworks").exception(message)


def _log_error(message: str) -> None:
    import logging

    logging.getLogger("lambdaworks").error(message)


class Handler:
    """A Lambda handler wrapping a WSGI or ASGI app; call it with ``(event, context)``."""

    def __init__(
        self,
        app: Any = None,
        *,
        interface: str = "auto",
        lifespan: str = "auto",
        base_path: str | None = None,
        source: str | None = None,
        text_media_types: Iterable[str] = (),
        is_binary: BinaryRule | None = None,
        events_path: str | None = None,
        warmup: bool = True,
        strip_stage: bool = True,
    ) -> None:
        if interface not in ("auto", "wsgi", "asgi"):
            raise ConfigurationError(f'interface must be "auto", "wsgi" or "asgi", not {interface!r}')
        if source is not None and source not in HTTP_SOURCES_BY_NAME:
            raise ConfigurationError(f"unknown HTTP source {source!r}; choose from {sorted(HTTP_SOURCES_BY_NAME)}")
        if events_path is not None and not events_path.startswith("/"):
            raise ConfigurationError(f"events_path must start with '/', got {events_path!r}")
        self.app = app
        self.interface = (detect_interface(app) if app is not None else "none") if interface == "auto" else interface
        rule = cached(is_binary or (binary_rule(text_media_types) if text_media_types else is_binary_response))
        if base_path is None:  # set by `lambdaworks deploy` on functions behind a custom domain's base path
            base_path = os.environ.get(BASE_PATH_ENV, "")
        self.options = Options(base_path=base_path, is_binary=rule, strip_stage=strip_stage)
        self.sources: tuple[HttpSource, ...] = (HTTP_SOURCES_BY_NAME[source],) if source else HTTP_SOURCES
        self.events_path = events_path
        self.warmup = warmup
        self._by_source: dict[str, EventHandler] = {}
        self._predicates: list[tuple[Callable[[Any], bool], EventHandler]] = []
        self._last: HttpSource = self.sources[0]
        self._asgi: Any = None
        if self.interface == "asgi":
            from lambdaworks.runtime.asgi import AsgiRunner

            self._asgi = AsgiRunner(app, lifespan=lifespan)
            import atexit

            atexit.register(self._asgi.close)

    # -- registration -----------------------------------------------------------------------

    def on(
        self, source: str | Callable[[Any], bool], *, each_record: bool = False
    ) -> Callable[[EventHandler], EventHandler]:
        """Register ``fn(event, context)`` for a non-HTTP source, or for events a predicate accepts.

        With ``each_record=True`` (SQS, Kinesis, DynamoDB) the function is called once per record
        and failures are reported as ``batchItemFailures`` instead of failing the whole batch.
        """
        if isinstance(source, str) and source not in SOURCES:
            raise ConfigurationError(f"unknown event source {source!r}; choose from {', '.join(SOURCES)}")
        if each_record and source not in BATCH_SOURCES:
            raise ConfigurationError(f"each_record=True works with {', '.join(BATCH_SOURCES)}, not {source!r}")

        def register(fn: EventHandler) -> EventHandler:
            target = fn
            if each_record:
                name = str(source)

                def target(event: Any, context: Any) -> Any:
                    return process_batch(name, event, fn, context)

            if isinstance(source, str):
                self._by_source[source] = target
            else:
                self._predicates.append((source, target))
            return fn

        return register

    # -- dispatch ---------------------------------------------------------------------------

    def __call__(self, event: Any, context: Any = None) -> Any:
        if isinstance(event, dict):
            for predicate, fn in self._predicates:
                if predicate(event):
                    return fn(event, context)
            last = self._last
            if last.infer(event):
                return self.handle_http(last, event, context)
            for http_source in self.sources:
                if http_source is not last and http_source.infer(event):
                    self._last = http_source
                    return self.handle_http(http_source, event, context)
        return self.handle_other(event, context)

    def handle_http(self, source: HttpSource, event: dict[str, Any], context: Any) -> Result:
        """Translate an HTTP event, run the app, translate the response back."""
        if self.app is None:
            raise UnsupportedEvent(
                f"this handler has no web app, so it cannot serve the {source.name} HTTP event",
                keys=event,
                source=source.name,
            )
        try:
            if self._asgi is None:
                environ = source.to_environ(event, context, self.options)
            else:
                request = source.to_request(event, context, self.options)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise MalformedEvent(
                f"the event looks like {source.name} but is malformed ({type(exc).__name__}: {exc}); "
                f"keys seen: {', '.join(sorted(map(str, event)))}",
                keys=event,
                source=source.name,
            ) from exc
        try:
            response = run_wsgi(self.app, environ) if self._asgi is None else self._asgi(request)
        except Exception:
            response = self._failed(event)
        result = source.to_result(response, event, self.options)
        if len(response.body) > MAX_RESPONSE_BYTES // 2 and self._too_large(result):
            return source.to_result(
                HttpResponse(502, [("Content-Type", "application/json")], _GATEWAY_ERROR), event, self.options
            )
        return result

    @staticmethod
    def _failed(event: dict[str, Any]) -> HttpResponse:
        """Log the app's exception (with traceback) and answer 500."""
        request_context = event.get("requestContext") or {}
        method = event.get("httpMethod") or (request_context.get("http") or {}).get("method")
        path = event.get("path") or event.get("rawPath")
        _log_exception(f"{method} {path} raised; answering 500")
        return HttpResponse(500, [("Content-Type", "application/json")], _INTERNAL_ERROR)

    def call_app(self, request: HttpRequest) -> HttpResponse:
        """Run the app on ``request``; an exception becomes a logged 500, never a crash."""
        try:
            if self._asgi is not None:
                return self._asgi(request)  # type: ignore[no-any-return]
            return run_wsgi(self.app, build_environ(request))
        except Exception:
            return self._failed(request.event if isinstance(request.event, dict) else {})

    @staticmethod
    def _too_large(result: Result) -> bool:
        import json

        size = len(json.dumps(result, separators=(",", ":")).encode("utf-8"))
        if size <= MAX_RESPONSE_BYTES:
            return False
        _log_error(
            f"response payload is {size:,} bytes, over Lambda's limit of {MAX_RESPONSE_BYTES:,} bytes; "
            "answering 502 instead. Serve large bodies from S3 (a presigned URL) or stream them."
        )
        return True

    def handle_other(self, event: Any, context: Any) -> Any:
        """Dispatch a non-HTTP event to its registered handler, the events path, or fail clearly."""
        source = detect(event)
        if source is not None:
            fn = self._by_source.get(source)
            if fn is None and source == "schedule":
                fn = self._by_source.get("eventbridge")
            if fn is not None:
                return fn(event, context)
            if source == "warmup" and self.warmup:
                return {"warmup": True}
        if self.events_path is not None and self.app is not None:
            return self.forward(event, context, source)
        keys = list(event) if isinstance(event, dict) else []
        shape = (
            f"keys seen: {', '.join(sorted(map(str, keys))) or '(none)'}"
            if isinstance(event, dict)
            else (f"got a {type(event).__name__}, not a JSON object")
        )
        if source is not None:
            hint = f"it is a {source} event but no handler is registered: add @handler.on({source!r})"
        else:
            hint = "register one with @handler.on(predicate), or set events_path= to POST it to the app"
        raise UnsupportedEvent(
            f"lambdaworks cannot route this event: it is not an HTTP event from API Gateway, ALB or a "
            f"Function URL; {hint}. {shape}",
            keys=keys,
            source=source,
        )

    def forward(self, event: Any, context: Any, source: str | None) -> Any:
        """POST the raw event as JSON to ``events_path``; return the app's (JSON) answer."""
        import json

        assert self.events_path is not None
        body = json.dumps(event).encode("utf-8")
        request = HttpRequest(
            "POST",
            self.events_path,
            headers=[
                ("content-type", "application/json"),
                ("x-lambdaworks-event-source", source or "unknown"),
            ],
            body=body,
            server_name="localhost",
            source="event",
            event=event,
            context=context,
        )
        response = self.call_app(request)
        if response.status >= 400:
            raise EventDeliveryError(
                f"the app answered {response.status} to the {source or 'unrecognised'} event POSTed to "
                f"{self.events_path}",
                status=response.status,
                body=response.body,
            )
        if not response.body:
            return None
        content_type = (response.header("content-type") or "").lower()
        if "json" in content_type:
            return json.loads(response.body)
        return response.body.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"<lambdaworks.Handler {self.interface} app={self.app!r}>"


def handler(app: Any = None, **options: Any) -> Handler:
    """Wrap a WSGI or ASGI app (detected; ``interface=`` overrides) as a Lambda handler.

    Options: ``base_path`` (custom-domain base path mapping, default ``$LAMBDAWORKS_BASE_PATH``),
    ``lifespan`` (``"auto"``/``"on"``/``"off"``), ``source`` (pin one HTTP source),
    ``text_media_types`` (extra types sent as text), ``is_binary`` (own ``(content_type,
    content_encoding) -> bool`` rule), ``events_path`` (POST unmatched events to the app),
    ``warmup`` (answer warm-up pings), ``strip_stage``.
    """
    return Handler(app, **options)


__all__ = ["MAX_RESPONSE_BYTES", "Handler", "detect_interface", "handler"]
