"""ASGI lifespan runs once per execution environment, at init, and failures surface at init."""

from __future__ import annotations

from typing import Any

import pytest

import lambdaworks
from lambdaworks.runtime.errors import ConfigurationError, LifespanError
from lambdaworks.testing import LambdaClient


class LifespanApp:
    """A raw ASGI app counting lifespan events; ``fail`` makes startup fail, ``crash`` raise."""

    def __init__(self, fail: bool = False, crash: bool = False, speaks_lifespan: bool = True) -> None:
        self.fail, self.crash, self.speaks_lifespan = fail, crash, speaks_lifespan
        self.events: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            if not self.speaks_lifespan:
                raise RuntimeError("lifespan? never heard of it")
            while True:
                message = await receive()
                self.events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    if self.crash:
                        raise RuntimeError("database unreachable")
                    if self.fail:
                        await send({"type": "lifespan.startup.failed", "message": "no config"})
                        return
                    scope["state"]["started"] = "yes"
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        self.events.append("http")
        body = scope.get("state", {}).get("started", "no").encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})


def test_startup_runs_once_at_init_not_per_invocation() -> None:
    app = LifespanApp()
    handler = lambdaworks.handler(app)
    assert app.events == ["lifespan.startup"]
    client = LambdaClient(handler, "http-v2")
    assert [client.get("/").text for _ in range(3)] == ["yes", "yes", "yes"]
    assert app.events == ["lifespan.startup", "http", "http", "http"]


def test_shutdown_on_close() -> None:
    app = LifespanApp()
    handler = lambdaworks.handler(app)
    handler._asgi.close()
    assert app.events == ["lifespan.startup", "lifespan.shutdown"]


def test_startup_failed_message_raises_at_init() -> None:
    with pytest.raises(LifespanError, match="no config"):
        lambdaworks.handler(LifespanApp(fail=True))


@pytest.mark.parametrize("mode", ["auto", "on"])
def test_startup_exception_after_accepting_lifespan(mode: str) -> None:
    app = LifespanApp(crash=True)
    if mode == "on":
        with pytest.raises(LifespanError, match="database unreachable"):
            lambdaworks.handler(app, lifespan=mode)
    else:  # auto: the app did not confirm lifespan support, so serve without it
        handler = lambdaworks.handler(app, lifespan=mode)
        assert LambdaClient(handler, "http-v2").get("/").text == "no"


def test_app_without_lifespan_support_is_fine_in_auto_mode() -> None:
    handler = lambdaworks.handler(LifespanApp(speaks_lifespan=False))
    assert LambdaClient(handler, "apigw-v1").get("/").status == 200


def test_app_without_lifespan_support_is_an_error_in_on_mode() -> None:
    with pytest.raises(LifespanError, match="never heard of it"):
        lambdaworks.handler(LifespanApp(speaks_lifespan=False), lifespan="on")


def test_lifespan_off_skips_it() -> None:
    app = LifespanApp()
    handler = lambdaworks.handler(app, lifespan="off")
    assert app.events == []
    assert LambdaClient(handler, "http-v2").get("/").text == "no"


def test_bad_lifespan_mode() -> None:
    with pytest.raises(ConfigurationError, match="lifespan must be"):
        lambdaworks.handler(LifespanApp(), lifespan="sometimes")
