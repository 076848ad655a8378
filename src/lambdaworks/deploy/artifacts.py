"""Where each built zip lives in S3: content addressed, so a zip already uploaded is never sent again."""

from __future__ import annotations

from dataclasses import dataclass

#: The bucket shown by ``lambdaworks template`` when none is given (nothing is uploaded there).
PLACEHOLDER_BUCKET = "artifacts-bucket"


@dataclass(frozen=True)
class Location:
    """An artifact's S3 object."""

    bucket: str
    key: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def key_of(sha256: str, prefix: str = "", extension: str = ".zip") -> str:
    """The object key of a file (a zip unless ``extension`` says otherwise) with hash ``sha256`` under ``prefix``."""
    prefix = prefix.strip("/")
    return f"{prefix}/{sha256}{extension}" if prefix else f"{sha256}{extension}"


def locations(hashes: dict[str, str], bucket: str, prefix: str = "") -> dict[str, Location]:
    """Each artifact name (``code-app.zip``) -> where it goes, from its sha256."""
    return {name: Location(bucket, key_of(sha256, prefix)) for name, sha256 in hashes.items()}
