"""Echo apps (WSGI and ASGI) that answer with exactly what they received, for translation tests."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from typing import Any

COOKIES = ("a=1; Path=/", "b=2; Path=/; HttpOnly")


def echo_wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = environ["wsgi.input"].read()
    seen = {
        "method": environ["REQUEST_METHOD"],
        "script_name": environ["SCRIPT_NAME"],
        "path_info": environ["PATH_INFO"],
        "query_string": environ["QUERY_STRING"],
        "headers": {
            k: v for k, v in environ.items() if k.startswith("HTTP_") or k in ("CONTENT_TYPE", "CONTENT_LENGTH")
        },
        "body": base64.b64encode(body).decode(),
        "scheme": environ["wsgi.url_scheme"],
        "server": [environ["SERVER_NAME"], environ["SERVER_PORT"]],
        "remote_addr": environ["REMOTE_ADDR"],
        "has_event": environ["lambda.event"] is not None,
    }
    payload = json.dumps(seen, sort_keys=True).encode()
    headers = [("Content-Type", "application/json"), ("X-Echo", "1")]
    headers += [("Set-Cookie", c) for c in COOKIES]
    start_response("200 OK", headers)
    return [payload]


async def echo_asgi(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    seen = {
        "method": scope["method"],
        "root_path": scope["root_path"],
        "path": scope["path"],
        "raw_path": scope["raw_path"].decode("latin-1"),
        "query_string": scope["query_string"].decode("latin-1"),
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
        "body": base64.b64encode(body).decode(),
        "scheme": scope["scheme"],
        "server": list(scope["server"]),
        "client": list(scope["client"]),
    }
    headers = [(b"content-type", b"application/json"), (b"x-echo", b"1")]
    headers += [(b"set-cookie", c.encode()) for c in COOKIES]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(seen, sort_keys=True).encode()})
