"""boto3 clients for a deploy: one session (region, profile) and one optional endpoint for every service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lambdaworks.deploy.errors import DeployError


@dataclass(frozen=True)
class Aws:
    """Where a deploy goes. ``endpoint_url`` (moto, LocalStack) applies to every client."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None

    def session(self) -> Any:
        import boto3
        import botocore.exceptions

        try:
            return boto3.session.Session(profile_name=self.profile, region_name=self.region)
        except botocore.exceptions.ProfileNotFound as exc:
            raise DeployError(str(exc)) from None

    def region_name(self) -> str:
        """The region the session resolves (flag, profile, environment); DeployError when there is none."""
        region = self.session().region_name
        if not region:
            raise DeployError("no AWS region: pass --region, set AWS_REGION, or set region in samconfig.toml")
        return str(region)

    def client(self, service: str) -> Any:
        return self.session().client(service, region_name=self.region_name(), endpoint_url=self.endpoint_url)
