"""A Starlette app with lifespan state, url_for, binary and cookies."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PNG = bytes(range(256)) * 4
STARTUPS: list[int] = []


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
    STARTUPS.append(1)
    yield {"db": "connected"}


async def hello(request: Request) -> Response:
    name = request.path_params["name"]
    return JSONResponse(
        {
            "name": name,
            "url": str(request.url_for("hello", name=name)),
            "db": request.state.db,
            "args": {k: request.query_params.getlist(k) for k in request.query_params},
        }
    )


async def echo(request: Request) -> Response:
    return Response(await request.body(), media_type=request.headers.get("content-type", "application/octet-stream"))


async def image(request: Request) -> Response:
    return Response(PNG, media_type="image/png")


async def cookies(request: Request) -> Response:
    response = JSONResponse({"received": dict(request.cookies)})
    response.set_cookie("session", "abc", httponly=True)
    response.set_cookie("theme", "dark")
    return response


async def boom(request: Request) -> Response:
    raise RuntimeError("boom")


app = Starlette(
    routes=[
        Route("/hello/{name}", hello, name="hello"),
        Route("/echo", echo, methods=["POST"]),
        Route("/image.png", image),
        Route("/cookies", cookies),
        Route("/boom", boom),
    ],
    lifespan=lifespan,
)
