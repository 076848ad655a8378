"""Native config keys added for deploy, as the emulator serves them: stage variables, stored parameters, binary."""

from __future__ import annotations

import base64
import json
import textwrap
import urllib.request
from pathlib import Path

from tests.local.conftest import LiveEmulator

CONFIG = """\
[parameters]
DbPassword = { ssm = "/shop/db-password", local = "devpass" }

[apis.rest]
stage_variables = { tier = "gold" }

[functions.echo]
code = "echo"
handler = "app.handler"
api = "rest"
routes = ["POST /echo"]
env = { DB_PASSWORD = "${DbPassword}" }
"""

APP = """\
import json
import os


def handler(event, context):
    body = {
        "stageVariables": event["stageVariables"],
        "isBase64Encoded": event["isBase64Encoded"],
        "body": event["body"],
        "password": os.environ["DB_PASSWORD"],
    }
    return {"statusCode": 200, "body": json.dumps(body)}
"""


def test_stage_variables_local_secret_values_and_binary_bodies_on_a_native_rest_api(tmp_path: Path) -> None:
    (tmp_path / "echo").mkdir()
    (tmp_path / "echo" / "app.py").write_text(APP)
    (tmp_path / "lambdaworks.toml").write_text(textwrap.dedent(CONFIG))
    live = LiveEmulator(tmp_path, "--no-reload")
    try:
        request = urllib.request.Request(
            f"{live.url}/echo", data=b"\x00\xffbytes", method="POST", headers={"Content-Type": "image/png"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            seen = json.loads(response.read())
    finally:
        live.stop()
    # as deployed: REST APIs take */* as binary, so the body arrives base64-encoded
    assert seen == {
        "stageVariables": {"tier": "gold"},
        "isBase64Encoded": True,
        "body": base64.b64encode(b"\x00\xffbytes").decode(),
        "password": "devpass",
    }
