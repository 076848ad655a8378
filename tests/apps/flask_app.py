"""A Flask app exercising routing, url_for, cookies, binary and errors."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, make_response, request, url_for

PNG = bytes(range(256)) * 4  # not UTF-8: must travel as base64

app = Flask(__name__)


@app.get("/hello/<name>")
def hello(name: str) -> Any:
    return jsonify(
        name=name,
        url=url_for("hello", name=name, _external=True),
        path=url_for("hello", name=name),
        args=request.args.to_dict(flat=False),
    )


@app.post("/echo")
def echo() -> Any:
    return Response(request.get_data(), content_type=request.content_type or "application/octet-stream")


@app.get("/image.png")
def image() -> Any:
    return Response(PNG, content_type="image/png")


@app.get("/cookies")
def cookies() -> Any:
    response = make_response(jsonify(received=request.cookies))
    response.set_cookie("session", "abc", httponly=True)
    response.set_cookie("theme", "dark")
    return response


@app.get("/boom")
def boom() -> Any:
    raise RuntimeError("boom")


@app.post("/_events")
def events() -> Any:
    payload = request.get_json()
    return jsonify(source=request.headers.get("X-Lambdaworks-Event-Source"), keys=sorted(payload))
