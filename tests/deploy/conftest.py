"""Deploy tests: real projects, real builds, the real CLI, and moto's server on loopback as AWS.

Nothing here may reach AWS. Every test gets dummy credentials, no user AWS config, and a guard on
botocore that fails the test if a client sends a request anywhere but 127.0.0.1/localhost. The
CLI runs in process so the guard sees its calls too.
"""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.endpoint
import pytest
from click.testing import CliRunner, Result

from lambdaworks.cli.main import main

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REGION = "us-east-1"


class NonLoopbackRequest(AssertionError):
    """A botocore client tried to reach a real AWS endpoint."""


@pytest.fixture(autouse=True)
def aws_guard(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, deps_cache: str
) -> Iterator[list[str]]:
    """Dummy credentials, no user AWS config, and a failure for any request off loopback."""
    empty = tmp_path_factory.mktemp("aws-config")
    monkeypatch.setenv("LAMBDAWORKS_CACHE_DIR", deps_cache)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(empty / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty / "credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    seen: list[str] = []
    send = botocore.endpoint.Endpoint._send

    def guarded(self: Any, request: Any) -> Any:
        host = urlsplit(request.url).hostname or ""
        if host not in LOOPBACK:
            seen.append(request.url)
            raise NonLoopbackRequest(f"a test tried to reach {request.url}")
        return send(self, request)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", guarded)
    yield seen
    assert not seen, f"requests left loopback: {seen}"


@pytest.fixture(scope="session")
def deps_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Installed dependencies shared by every deploy test's build (each installs once)."""
    return str(tmp_path_factory.mktemp("deploy-deps-cache"))


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's server on a free loopback port, for the whole session."""
    from moto.awslambda.models import LayerVersion
    from moto.server import ThreadedMotoServer

    # moto's CloudFormation resolves !Ref of a LayerVersion to its Python object, which breaks any
    # update of a function with layers; AWS resolves it to the version's ARN, and so does this.
    LayerVersion.physical_resource_id = property(lambda self: self.arn)  # type: ignore[attr-defined]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str) -> dict[str, Any]:
    """Client arguments for moto, and a fresh bucket."""
    bucket = f"artifacts-{uuid.uuid4().hex[:12]}"
    client(moto_url, "s3").create_bucket(Bucket=bucket)
    return {"url": moto_url, "bucket": bucket}


def client(url: str, service: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name=REGION)


def lambdaworks(*args: str, cwd: Path | None = None) -> Result:
    """The ``lambdaworks`` command, in process (so the guard sees every AWS call)."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(main, list(args), catch_exceptions=False)


NATIVE = """\
[parameters]
Stage = "dev"
DbPassword = { ssm = "/shop/db-password", local = "devpass" }

[functions.api]
code = "api"
handler = "app.handler"
memory = 256
routes = ["GET /hello", "ANY /{proxy+}"]
env = { STAGE = "${Stage}", DB_PASSWORD = "${DbPassword}" }
policies = [{ DynamoDBReadPolicy = { TableName = "items" } }]

[functions.worker]
code = "worker"
handler = "job.handler"
timeout = 30
retries = 0
schedules = { Nightly = "rate(1 day)" }
"""


def write_native(root: Path, config: str = NATIVE, requirements: str | None = "six==1.16.0\n") -> Path:
    """A native project: an HTTP API function (with a dependency) and a scheduled worker."""
    (root / "api").mkdir(parents=True, exist_ok=True)
    (root / "worker").mkdir(exist_ok=True)
    (root / "lambdaworks.toml").write_text(textwrap.dedent(config))
    (root / "api" / "app.py").write_text('def handler(event, context):\n    return {"statusCode": 200, "body": "hi"}\n')
    (root / "worker" / "job.py").write_text('def handler(event, context):\n    return "done"\n')
    if requirements is not None:
        (root / "api" / "requirements.txt").write_text(requirements)
    return root
