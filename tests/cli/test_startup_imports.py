"""``dev`` answers its first request before it imports what only some projects use: every module
it loads to serve is paid for in its start-up (the issue's target: first 200 within 0.4 s)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import sys
import lambdaworks.cli.main, lambdaworks.cli.dev, lambdaworks.cli.project, lambdaworks.local.emulator
print(__import__("json").dumps(sorted(sys.modules)))
"""

#: Loaded only when a project needs them: HTTP clients (a JWKS URL, a destination on the local
#: services), the deploy path, the builder, a debugger.
LATER = (
    "http.client",
    "urllib.request",
    "email",
    "boto3",
    "botocore",
    "lambdaworks.deploy",
    "lambdaworks.build",
    "debugpy",
)


def test_dev_loads_no_http_client_deploy_or_build_code_to_serve() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True, text=True).stdout
    loaded = json.loads(out)
    assert "lambdaworks.local.gateway" in loaded
    assert [m for m in loaded if m.startswith(LATER)] == []
