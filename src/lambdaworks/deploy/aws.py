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

    def region_name(self, session: Any = None) -> str:
        """The region ``session`` (default: a new one) resolves from the flag, profile or environment;
        DeployError when there is none."""
        region = (session or self.session()).region_name
        if not region:
            raise DeployError("no AWS region: pass --region, set AWS_REGION, or set region in samconfig.toml")
        return str(region)

    def client(self, service: str) -> Any:
        session = self.session()  # one session per client: each reads the profile and config files
        return session.client(service, region_name=self.region_name(session), endpoint_url=self.endpoint_url)
