"""The bundled example: a Flask app plus a non-HTTP handler, as one Lambda function."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request, url_for

import lambdaworks

app = Flask(__name__)


@app.get("/")
def index() -> Any:
    return jsonify(message="Hello from Flask on Lambda", hello=url_for("hello", name="world", _external=True))


@app.get("/hello/<name>")
def hello(name: str) -> Any:
    return jsonify(message=f"Hello, {name}!", path=request.path, url=request.url)


@app.post("/echo")
def echo() -> Any:
    return app.response_class(request.get_data(), content_type=request.content_type or "application/octet-stream")


handler = lambdaworks.handler(app)


@handler.on("s3")
def on_upload(event: dict[str, Any], context: Any) -> dict[str, Any]:
    keys = [record["s3"]["object"]["key"] for record in event["Records"]]
    print(f"received {len(keys)} upload(s): {keys}")
    return {"processed": keys}


@handler.on("sqs", each_record=True)
def on_message(record: dict[str, Any], context: Any) -> None:
    if record["body"] == "poison":
        raise ValueError("cannot process poison message")
