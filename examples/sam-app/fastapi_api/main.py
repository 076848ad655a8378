"""A FastAPI app served through an HTTP API (v2 events)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

import lambdaworks

app = FastAPI()
ITEMS: dict[int, dict[str, Any]] = {1: {"id": 1, "name": "pen"}}


@app.get("/items/{item_id}")
async def get_item(item_id: int) -> dict[str, Any]:
    return ITEMS.get(item_id, {"id": item_id, "name": None})


@app.post("/items")
async def create_item(item: dict[str, Any]) -> dict[str, Any]:
    new_id = max(ITEMS) + 1
    ITEMS[new_id] = {"id": new_id, **item}
    return ITEMS[new_id]


handler = lambdaworks.handler(app)
