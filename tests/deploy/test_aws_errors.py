"""AWS failures that are not CloudFormation's verdicts: one line naming the call and the way out.

Each case is a real HTTP server on loopback answering as the failing endpoint does: nothing at all
(a closed port), an HTML page from a proxy, a 500, AWS's XML errors for throttling and expired
credentials (the Query protocol's ``ErrorResponse`` shape, as CloudFormation answers:
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.deploy.conftest import REGION, lambdaworks, write_native

HTML = ("text/html", b"<html><body><h1>Welcome to nginx!</h1></body></html>")


def aws_error(code: str, message: str) -> tuple[str, bytes]:
    body = (
        '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>2bd5ab5c-0d0a-4d37-8b52-7f5a4a2e0c9a</RequestId></ErrorResponse>"
    )
    return "text/xml", body.encode()


class Answer(http.server.BaseHTTPRequestHandler):
    """Answers every request with the server's one status, content type and body."""

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, (content_type, body) = self.server.reply  # type: ignore[attr-defined]
        self.server.seen.append(self.command)  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.reply = (200, HTML)  # type: ignore[attr-defined]
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def one_line_error(result: Result) -> str:
    """The failure's message: exit status 1, no traceback, and the error is the output's last line."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: ")
    return last


def outputs(endpoint_url: str, *extra: str) -> Result:
    return lambdaworks("outputs", "--stack-name", "shop", "--region", REGION, "--endpoint-url", endpoint_url, *extra)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ((200, HTML), "answered something that is not an AWS response"),
        ((502, ("text/plain", b"upstream failed")), "not an AWS response (ResponseParserError"),
        ((500, aws_error("InternalFailure", "The request processing has failed")), "the service failed (HTTP 500"),
        ((400, aws_error("Throttling", "Rate exceeded")), "throttling the account and botocore's retries ran out"),
        (
            (403, aws_error("ExpiredToken", "The security token included in the request is expired")),
            "refused the credentials",
        ),
    ],
    ids=["html", "502-text", "500", "throttling", "expired-token"],
)
def test_an_endpoint_failing_is_one_line_naming_the_call(
    endpoint: http.server.ThreadingHTTPServer,
    reply: tuple[int, tuple[str, bytes]],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # botocore retries throttling and 500s before giving up
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    endpoint.reply = reply  # type: ignore[attr-defined]
    line = one_line_error(outputs(url(endpoint)))
    assert line.startswith("Error: CloudFormation DescribeStacks: ")
    assert expected in line


def test_throttling_is_reported_after_botocores_retries(
    endpoint: http.server.ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    endpoint.reply = (400, aws_error("Throttling", "Rate exceeded"))  # type: ignore[attr-defined]
    assert "Throttling: Rate exceeded" in one_line_error(outputs(url(endpoint)))
    assert len(endpoint.seen) == 3  # type: ignore[attr-defined]


def test_a_closed_port_is_one_line_naming_the_call(endpoint: http.server.ThreadingHTTPServer) -> None:
    closed = url(endpoint)
    endpoint.shutdown()
    endpoint.server_close()
    line = one_line_error(outputs(closed))
    assert line.startswith("Error: CloudFormation DescribeStacks: could not reach the endpoint")


def test_missing_credentials_say_how_to_get_some(
    endpoint: http.server.ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    line = one_line_error(outputs(url(endpoint)))
    assert "Unable to locate credentials" in line
    assert "aws configure" in line
    assert endpoint.seen == []  # type: ignore[attr-defined]  # nothing was sent unsigned


def test_debug_shows_the_traceback(endpoint: http.server.ThreadingHTTPServer) -> None:
    result = outputs(url(endpoint), "--debug")
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: CloudFormation DescribeStacks: ")


def test_a_deploy_to_an_endpoint_that_is_not_aws_stops_in_one_line(
    tmp_path: Path, endpoint: http.server.ThreadingHTTPServer
) -> None:
    """The build runs, then the first AWS call that gets an unreadable answer ends the deploy."""
    root = write_native(tmp_path / "shop", requirements=None)
    result = lambdaworks(
        "deploy",
        str(root),
        "--stack-name",
        "shop",
        "--s3-bucket",
        "artifacts",
        "--endpoint-url",
        url(endpoint),
        "--no-confirm",
    )
    line = one_line_error(result)
    assert "answered something that is not an AWS response" in line
    assert (root / ".lambdaworks" / "build" / "manifest.json").is_file()  # it failed after the build, cleanly
