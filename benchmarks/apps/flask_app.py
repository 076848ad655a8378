"""Hello-world JSON in Flask: ``app`` for gunicorn, ``handler`` for lambdaworks."""

from flask import Flask, jsonify

import lambdaworks

app = Flask(__name__)


@app.get("/flask/hello")
def hello() -> object:
    return jsonify(message="hello")


handler = lambdaworks.handler(app)
