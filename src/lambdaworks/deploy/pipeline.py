"""``template``, ``package`` and ``deploy`` as stages over one project; only the last ones talk to AWS.

::

    project --build--> BuildResult --prepare--> Prepared (SAM, CloudFormation, cfn-lint findings)
            --upload--> the zips the bucket lacks --change_set--> a ChangeSet on the stack
                                                  (the template through S3 when it is too large)

The command line decides the :class:`~lambdaworks.deploy.package.Target` and shows progress
through the callbacks it passes in; this module decides everything else.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lambdaworks.build.builder import Options, Task, build, quiet_task
from lambdaworks.deploy.artifacts import key_of
from lambdaworks.deploy.aws import Aws
from lambdaworks.deploy.errors import DeployError
from lambdaworks.deploy.lint import errors
from lambdaworks.deploy.package import Prepared, Target, package, prepare
from lambdaworks.deploy.stack import MAX_TEMPLATE_BODY, ChangeSet, Stack
from lambdaworks.deploy.upload import Uploads
from lambdaworks.project import layout
from lambdaworks.project.model import Project


class LintFailed(DeployError):
    """cfn-lint found errors in the CloudFormation; nothing was uploaded or deployed."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"cfn-lint found {count} error{'' if count == 1 else 's'} in the template; nothing was deployed"
        )
        self.count = count


@dataclass(frozen=True)
class Pipeline:
    """One project on its way to ``target``; ``aws`` is used only by the stages that upload or deploy."""

    project: Project
    target: Target
    aws: Aws
    cache_dir: Path | None = None  # installed dependencies (LAMBDAWORKS_CACHE_DIR); default .lambdaworks/cache

    def prepare(self, task: Task = quiet_task) -> Prepared:
        """Build the project and make its templates; cfn-lint's findings are on the result (see :meth:`check`)."""
        built = build(self.project, Options(cache_dir=self.cache_dir), task=task)
        prepared = prepare(self.project, built, self.target, layout.checked_dir(self.project.root))
        prepared.warnings[:0] = built.warnings
        return prepared

    @staticmethod
    def check(prepared: Prepared) -> None:
        """LintFailed when cfn-lint found errors (its warnings do not stop a deploy)."""
        found = errors(prepared.problems)
        if found:
            raise LintFailed(len(found))

    def upload(self, prepared: Prepared, on_upload: Callable[[str, int], None] = lambda name, size: None) -> Uploads:
        """Send the zips the bucket does not have yet."""
        package(prepared, self.aws.client("s3"), on_upload)
        assert prepared.uploads is not None
        return prepared.uploads

    def write(self, prepared: Prepared, out: Path | None = None) -> tuple[Path, Path]:
        """The deployable ``template.yaml`` and ``cloudformation.json`` (default: ``.lambdaworks/package``)."""
        return prepared.write(out or layout.package_dir(self.project.root))

    def change_set(self, stack: Stack, prepared: Prepared) -> ChangeSet | None:
        """The change set deploying ``prepared`` (None: no changes); a template over CloudFormation's
        body limit is put in the bucket, by its hash, and passed by URL."""
        body = json.dumps(prepared.cloudformation, indent=1, sort_keys=True)
        if len(body.encode()) <= MAX_TEMPLATE_BODY:
            return stack.change_set(body, prepared.parameters)
        if not self.target.bucket:
            raise DeployError("the template is too large to send inline: pass --s3-bucket to send it through S3")
        s3 = self.aws.client("s3")
        key = key_of(hashlib.sha256(body.encode()).hexdigest(), f"{self.target.prefix}/templates", ".json")
        s3.put_object(Bucket=self.target.bucket, Key=key, Body=body.encode())
        url = f"{s3.meta.endpoint_url}/{self.target.bucket}/{key}"
        return stack.change_set(body, prepared.parameters, template_url=url)
