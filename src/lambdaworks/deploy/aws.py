"""boto3 clients for a deploy, and what their failures mean for the user.

One session (region, profile) and one optional endpoint serve every client. Each client notes the
operation it is about to call, so a failure that botocore reports without one (no connection, an
answer it cannot parse, no credentials) still names the call: :meth:`Aws.explained` turns it into
an :class:`~lambdaworks.deploy.errors.AwsCallFailed` that says what to do.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lambdaworks.deploy.errors import AwsCallFailed, DeployError

#: Error codes AWS answers when the caller's credentials are expired or not valid.
CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AuthFailure",
    }
)
#: Error codes of throttling (botocore has retried these already when they reach the user).
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "ProvisionedThroughputExceededException",
    }
)


@dataclass(frozen=True)
class Aws:
    """Where a deploy goes. ``endpoint_url`` (moto, LocalStack) applies to every client."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    calls: list[str] = field(default_factory=list, compare=False, repr=False)  # "Service Operation", latest last

    def session(self) -> Any:
        import boto3
        import botocore.exceptions

        try:
            return boto3.session.Session(profile_name=self.profile, region_name=self.region)
        except botocore.exceptions.ProfileNotFound as exc:
            raise DeployError(f"{exc}: pass an existing --profile, or set profile in samconfig.toml") from None

    def region_name(self, session: Any = None) -> str:
        """The region ``session`` (default: a new one) resolves from the flag, profile or environment;
        DeployError when there is none."""
        region = (session or self.session()).region_name
        if not region:
            raise DeployError("no AWS region: pass --region, set AWS_REGION, or set region in samconfig.toml")
        return str(region)

    def client(self, service: str) -> Any:
        session = self.session()  # one session per client: each reads the profile and config files
        client = session.client(service, region_name=self.region_name(session), endpoint_url=self.endpoint_url)
        client.meta.events.register("before-call", self._note)
        return client

    def _note(self, model: Any, **kwargs: Any) -> None:
        self.calls.append(f"{model.service_model.service_id} {model.name}")

    @contextlib.contextmanager
    def explained(self) -> Iterator[None]:
        """Turn a botocore failure inside the block into an AwsCallFailed naming the call and the way out."""
        try:
            yield
        except DeployError:
            raise
        except Exception as exc:
            message = explain(exc, self.endpoint_url)
            if message is None:
                raise
            raise AwsCallFailed(self.calls[-1] if self.calls else "AWS", message) from exc


def explain(exc: BaseException, endpoint_url: str | None) -> str | None:
    """What a botocore or boto3 failure means and what to do, in one line; None for anything else."""
    name = type(exc).__name__
    if name == "ResponseParserError" or raised_in_parser(exc):
        said = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        where = f" at {endpoint_url}" if endpoint_url else ""
        return (
            f"the endpoint{where} answered something that is not an AWS response ({name}{': ' if said else ''}"
            f"{said[:160]}); check --endpoint-url (or AWS_ENDPOINT_URL) and that it serves this service"
        )
    if not type(exc).__module__.startswith(("botocore", "boto3")):
        return None
    import botocore.exceptions as errors

    if isinstance(exc, errors.ClientError):
        return client_error(exc)
    if isinstance(exc, errors.EndpointConnectionError | errors.ConnectTimeoutError | errors.ConnectionClosedError):
        return f"could not reach the endpoint ({exc}); check your network, --region and --endpoint-url"
    if isinstance(exc, errors.ReadTimeoutError):
        return f"the endpoint did not answer in time ({exc}); retry, or check --endpoint-url"
    if isinstance(exc, errors.NoCredentialsError | errors.PartialCredentialsError):
        return f"{exc}: run `aws configure` or `aws sso login`, set AWS_PROFILE, or pass --profile"
    if isinstance(exc, errors.SSOError | errors.TokenRetrievalError | errors.CredentialRetrievalError):
        return f"{exc}: refresh the credentials (`aws sso login --profile ...`) and retry"
    return f"{name}: {exc}"


def raised_in_parser(exc: BaseException) -> bool:
    """True when botocore's response parser raised ``exc`` (it lets KeyError and the like escape on a
    body that is not the service's XML or JSON)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(PARSERS):
            return True
        tb = tb.tb_next
    return False


PARSERS = os.path.join("botocore", "parsers.py")


def client_error(exc: Any) -> str:
    """An AWS refusal: expired credentials, throttling and the service's own failures get their own advice."""
    error = exc.response.get("Error", {})
    code, message = str(error.get("Code") or "Error"), str(error.get("Message") or "").strip()
    said = f"{code}: {message}" if message else code
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if code in CREDENTIAL_CODES:
        return f"AWS refused the credentials ({said}); refresh them (`aws sso login`, `aws configure`) and retry"
    if code in THROTTLING_CODES:
        return (
            f"AWS is throttling the account and botocore's retries ran out ({said}); wait and retry, "
            "or raise the retries with AWS_MAX_ATTEMPTS"
        )
    if status >= 500:
        return f"the service failed (HTTP {status}, {said}); retry later, or check --endpoint-url"
    return f"AWS refused it: {said}"
