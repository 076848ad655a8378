"""Hello-world JSON in Starlette: ``app`` for uvicorn, ``handler`` for lambdaworks."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import lambdaworks


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"message": "hello"})


app = Starlette(routes=[Route("/starlette/hello", hello)])
handler = lambdaworks.handler(app)
