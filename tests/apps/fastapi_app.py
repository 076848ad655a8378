"""A FastAPI app: typed routes, url_for behind a mount path, and a sync endpoint (thread pool)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

app = FastAPI()


@app.get("/items/{item_id}")
async def item(item_id: int, request: Request, q: str | None = None) -> dict[str, Any]:
    return {"item_id": item_id, "q": q, "url": str(request.url_for("item", item_id=item_id))}


@app.post("/items")
def create(payload: dict[str, Any]) -> dict[str, Any]:
    return {"created": payload}


@app.get("/image.png")
async def image() -> Response:
    return Response(bytes(range(256)), media_type="image/png")
