"""A Flask app served through a REST API (v1 events)."""

from __future__ import annotations

import os
from typing import Any

from common import greet
from flask import Flask, jsonify, request, url_for

import lambdaworks

app = Flask(__name__)


@app.get("/")
def index() -> Any:
    return jsonify(service="flask", stage=os.environ.get("STAGE"), links={"hello": url_for("hello", name="world")})


@app.get("/hello/<name>")
def hello(name: str) -> Any:
    return jsonify(message=greet(name), url=request.url)


@app.post("/echo")
def echo() -> Any:
    return app.response_class(request.get_data(), content_type=request.content_type or "application/octet-stream")


handler = lambdaworks.handler(app)
