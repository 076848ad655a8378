"""Upload built zips to S3 under their sha256; a key already in the bucket is not sent again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdaworks.deploy.artifacts import Location
from lambdaworks.deploy.errors import DeployError


@dataclass
class Uploads:
    """What an upload did: the artifacts sent and those the bucket already had."""

    sent: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    bytes_sent: int = 0


def upload(
    s3: Any,
    files: dict[str, Path],
    located: dict[str, Location],
    on_upload: Callable[[str, int], None] = lambda name, size: None,
) -> Uploads:
    """Put each of ``files`` (artifact name -> zip) at its location unless an object is already there."""
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import ClientError

    done = Uploads()
    for bucket in sorted({where.bucket for where in located.values()}):
        try:
            s3.head_bucket(Bucket=bucket)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code"))
            raise DeployError(f"s3://{bucket}: {bucket_problem(code, exc)}") from None
    for name, path in sorted(files.items()):
        where = located[name]
        try:
            s3.head_object(Bucket=where.bucket, Key=where.key)
            done.present.append(name)
            continue
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code"))
            if code not in ("404", "NoSuchKey", "NotFound"):
                raise DeployError(f"s3://{where.bucket}: {bucket_problem(code, exc)}") from None
        size = path.stat().st_size
        on_upload(name, size)
        try:
            s3.upload_file(str(path), where.bucket, where.key)
        except (ClientError, S3UploadFailedError) as exc:
            raise DeployError(f"uploading {name} to {where.uri}: {exc}") from None
        done.sent.append(name)
        done.bytes_sent += size
    return done


def bucket_problem(code: str, exc: Exception) -> str:
    if code in ("404", "NoSuchBucket"):
        return "the bucket does not exist; create it (aws s3 mb) or pass another --s3-bucket"
    if code in ("403", "AccessDenied"):
        return "access denied; the deploying identity needs s3:GetObject and s3:PutObject on the bucket"
    return str(exc)
