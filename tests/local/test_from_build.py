"""``lambdaworks dev --from-build``: a Flask app built by ``lambdaworks build`` and served from its zips."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.local.conftest import LiveEmulator

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.11
Resources:
  FlaskFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: web/
      Handler: app.handler
      Events:
        Hello:
          Type: Api
          Properties: {Path: "/hello/{name}", Method: GET}
  LeakyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: leaky/
      Handler: leaky.handler
      Events:
        Leaky:
          Type: Api
          Properties: {Path: /leaky, Method: GET}
"""

FLASK_APP = """\
import lambdaworks
import markupsafe
from flask import Flask

app = Flask(__name__)


@app.get("/hello/<name>")
def hello(name):
    return {"message": f"Hello, {markupsafe.escape(name)}!", "lambdaworks": lambdaworks.__file__}


handler = lambdaworks.handler(app)
"""

# imports a package this environment has but its requirements do not name: fine in dev, not on AWS
LEAKY = "import httpx\n\n\ndef handler(event, context):\n    return {'statusCode': 200, 'body': httpx.__name__}\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("built")
    (root / "template.yaml").write_text(TEMPLATE)
    (root / "web").mkdir()
    (root / "web" / "app.py").write_text(FLASK_APP)
    (root / "web" / "requirements.txt").write_text("flask>=3.0\n")
    (root / "leaky").mkdir()
    (root / "leaky" / "leaky.py").write_text(LEAKY)
    subprocess.run([sys.executable, "-m", "lambdaworks.cli", "build", str(root)], check=True, capture_output=True)
    return root


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[LiveEmulator]:
    live = LiveEmulator(built, "--from-build")
    yield live
    live.stop()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_built_flask_app_answers_from_its_unpacked_zips(served: LiveEmulator, built: Path) -> None:
    status, body = get(f"{served.url}/hello/<world>")
    assert status == 200
    data = json.loads(body)
    assert data["message"] == "Hello, &lt;world&gt;!"
    # the vended runtime inside the code package, not this environment's lambdaworks
    assert data["lambdaworks"].startswith(str(served.state_dir / "from-build" / "code-web-"))
    assert any("serving the build in" in line and "hot reload is off" in line for line in served.lines)


def test_a_dependency_the_package_lacks_fails_as_on_aws(served: LiveEmulator, built: Path) -> None:
    status, body = get(f"{served.url}/leaky")
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    served.wait_for("Unable to import module 'leaky': No module named 'httpx'")
    plain = LiveEmulator(built)  # from the source tree, the environment's httpx is found
    try:
        assert get(f"{plain.url}/leaky") == (200, b"httpx")
    finally:
        plain.stop()


def test_without_a_build_it_says_what_to_run(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    for folder in ("web", "leaky"):
        (tmp_path / folder).mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "lambdaworks.cli", "dev", str(tmp_path), "--from-build"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert textwrap.shorten(result.stderr, 500).endswith("(no manifest.json); run `lambdaworks build` first")
