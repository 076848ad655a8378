"""``lambdaworks template | package | deploy | outputs | delete``: the project on AWS through CloudFormation."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from lambdaworks.cli.build import plural
from lambdaworks.cli.project import config_options, parameter_overrides, project_options

if TYPE_CHECKING:
    from lambdaworks.deploy.package import Prepared
    from lambdaworks.deploy.stack import ChangeSet, Stack

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> click.ClickException:
    return click.ClickException(message)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Deploy errors, AWS's refusals and missing credentials as one-line errors, not tracebacks."""
    from botocore.exceptions import BotoCoreError, ClientError

    from lambdaworks.build import BuildError
    from lambdaworks.deploy.errors import DeployError
    from lambdaworks.project import ProjectError

    try:
        yield
    except (DeployError, BuildError, ProjectError, BotoCoreError) as exc:
        raise fail(str(exc)) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise fail(f"AWS refused {exc.operation_name}: {error.get('Code')}: {error.get('Message')}") from None


def warn(message: str) -> None:
    click.secho(f"warning: {message}", fg="yellow", err=True)


def aws_options(command: F) -> F:
    """``--region``, ``--profile``, ``--endpoint-url`` and the samconfig.toml environment."""
    for option in reversed(
        [
            click.option("--region", help="AWS region.  [default: the profile's, or samconfig.toml's]"),
            click.option("--profile", help="AWS named profile."),
            click.option("--endpoint-url", help="Send every AWS call here (LocalStack, moto)."),
        ]
    ):
        command = option(command)
    return config_options("deploy")(command)


def project_arguments(command: F) -> F:
    """The project options every project command takes, then ``--stage``, the bucket and the AWS options."""
    for option in reversed(
        [
            click.option("--stage", help="Deploy every API under this stage name."),
            click.option("--s3-bucket", help="Bucket the zips are uploaded to (by sha256: each is sent once)."),
            click.option("--s3-prefix", default=None, help="Key prefix inside the bucket."),
        ]
    ):
        command = option(command)
    return aws_options(project_options(command))


class Context:
    """One command's settings: flags first, then samconfig.toml, then defaults."""

    def __init__(self, params: dict[str, Any], project_dir: Path | None = None) -> None:
        from lambdaworks.deploy.aws import Aws
        from lambdaworks.deploy.settings import NAME, load_settings

        base = project_dir or Path(".")
        config = params.get("config_file") or base / NAME
        with reported():
            self.settings = load_settings(config, params.get("config_env") or "default")
            self.overrides = parameter_overrides(self.settings, params.get("overrides") or ())
        self.params = params
        self.aws = Aws(self.get("region"), self.get("profile"), params.get("endpoint_url"))

    def get(self, key: str) -> Any:
        value = self.params.get(key)
        return value if value is not None else self.settings.get(key)

    def bucket(self) -> str:
        bucket = self.get("s3_bucket")
        if not bucket:
            raise fail("no bucket: pass --s3-bucket, or set s3_bucket in samconfig.toml")
        return str(bucket)

    def region(self) -> str:
        with reported():
            return self.aws.region_name()

    def stack_name(self) -> str:
        name = self.get("stack_name")
        if not name:
            raise fail("no stack: pass --stack-name, or set stack_name in samconfig.toml")
        return str(name)


def prepare(ctx: Context, project_dir: Path, template: Path | None, bucket: str | None, region: str) -> Prepared:
    """Load, build and template the project; lint the CloudFormation it becomes."""
    from lambdaworks.build import Options, build
    from lambdaworks.cli.build import spinner
    from lambdaworks.deploy.lint import errors
    from lambdaworks.deploy.package import Target
    from lambdaworks.deploy.package import prepare as make
    from lambdaworks.project import load_project

    with reported():
        project = load_project(project_dir, template, ctx.overrides)
        for message in project.warnings:
            warn(message)
        cache = os.environ.get("LAMBDAWORKS_CACHE_DIR")
        built = build(project, Options(cache_dir=Path(cache) if cache else None), task=spinner)
        target = Target(bucket, str(ctx.get("s3_prefix") or ""), region, ctx.get("stage"), ctx.overrides)
        prepared = make(project, built, target, project.root / ".lambdaworks" / "package" / "checked")
    for message in (*built.warnings, *prepared.warnings):
        warn(message)
    problems = prepared.problems
    for problem in problems:
        if problem.level == "error":
            click.secho(f"error: cfn-lint: {problem}", fg="red", err=True)
        else:
            warn(f"cfn-lint: {problem}")
    if errors(problems):
        raise fail(f"cfn-lint found {plural(len(errors(problems)), 'error')} in the template; nothing was deployed")
    return prepared


def upload(ctx: Context, prepared: Prepared) -> None:
    from lambdaworks.deploy.package import package

    def announce(name: str, size: int) -> None:
        click.echo(f"  uploading {name} ({size / 1_048_576:.1f} MB)", err=True)

    with reported():
        package(prepared, ctx.aws.client("s3"), announce)
    done = prepared.uploads
    assert done is not None
    click.echo(
        f"Artifacts: {plural(len(done.sent), 'upload')} ({done.bytes_sent / 1_048_576:.1f} MB), "
        f"{len(done.present)} already in s3://{ctx.bucket()}",
        err=True,
    )


# -- template ------------------------------------------------------------------------------------


@click.command("template")
@project_arguments
@click.option(
    "--format",
    "format_",
    type=click.Choice(["sam", "cloudformation"]),
    default="sam",
    show_default=True,
    help="The SAM template, or the CloudFormation aws-sam-translator makes of it.",
)
@click.option("--openapi", type=click.Path(dir_okay=False, path_type=Path), help="Also write each API's OpenAPI here.")
def template_command(
    format_: str, openapi: Path | None, project_dir: Path, template: Path | None, **params: Any
) -> None:
    """Print what `lambdaworks deploy` would deploy for PROJECT_DIR (builds it; uploads nothing)."""
    import yaml

    ctx = Context(params, project_dir)
    with reported():  # printing needs no AWS: a region only decides certificates and partitions
        region = ctx.aws.session().region_name or "us-east-1"
    prepared = prepare(ctx, project_dir, template, ctx.get("s3_bucket"), region)
    if format_ == "sam":
        click.echo(yaml.safe_dump(prepared.sam, sort_keys=False, width=120), nl=False)
    else:
        click.echo(json.dumps(prepared.cloudformation, indent=2))
    if openapi is not None:
        from lambdaworks.deploy.openapi import openapi as document

        apis = sorted(prepared.project.apis)
        for name in apis:
            path = openapi if len(apis) == 1 else openapi.with_name(f"{openapi.stem}-{name}{openapi.suffix or '.json'}")
            text = json.dumps(document(prepared.project, name), indent=2) + "\n"
            if path.suffix in (".yaml", ".yml"):
                text = yaml.safe_dump(json.loads(text), sort_keys=False)
            path.write_text(text)
            click.echo(f"OpenAPI of {name} -> {path}", err=True)


# -- package -------------------------------------------------------------------------------------


@click.command("package")
@project_arguments
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where template.yaml and cloudformation.json go.  [default: .lambdaworks/package]",
)
def package_command(out: Path | None, project_dir: Path, template: Path | None, **params: Any) -> None:
    """Build PROJECT_DIR, upload the zips the bucket lacks, and write the deployable templates."""
    ctx = Context(params, project_dir)
    prepared = prepare(ctx, project_dir, template, ctx.bucket(), ctx.region())
    upload(ctx, prepared)
    sam_path, cfn_path = prepared.write(out or prepared.project.root / ".lambdaworks" / "package")
    click.echo(f"{sam_path}\n{cfn_path}")


# -- deploy --------------------------------------------------------------------------------------


@click.command("deploy")
@project_arguments
@click.option("--stack-name", help="The CloudFormation stack.  [default: samconfig.toml's stack_name]")
@click.option("--no-confirm", is_flag=True, help="Execute the change set without asking (CI).")
def deploy_command(no_confirm: bool, project_dir: Path, template: Path | None, **params: Any) -> None:
    """Build, upload and deploy PROJECT_DIR with a CloudFormation change set, then print the outputs."""
    from lambdaworks.deploy.stack import Stack

    ctx = Context(params, project_dir)
    name = ctx.stack_name()
    prepared = prepare(ctx, project_dir, template, ctx.bucket(), ctx.region())
    upload(ctx, prepared)
    prepared.write(prepared.project.root / ".lambdaworks" / "package")
    with reported():
        stack = Stack(ctx.aws.client("cloudformation"), name)
        change_set = create(ctx, stack, prepared)
        if change_set is None:
            click.echo(f"No changes: stack {name} is up to date.")
        else:
            show_changes(change_set)
            if not no_confirm and not confirm(f"Deploy these {plural(len(change_set.changes), 'change')} to {name}?"):
                stack.cfn.delete_change_set(ChangeSetName=change_set.arn)
                raise fail("cancelled; the change set was deleted and nothing changed")
            stack.execute(change_set, show_event)
            click.secho(f"Stack {name}: {'created' if change_set.kind == 'CREATE' else 'updated'}.", fg="green")
        print_outputs(stack.outputs())


def create(ctx: Context, stack: Stack, prepared: Prepared) -> ChangeSet | None:
    """The change set for ``prepared``; a template too large for the API goes through the bucket."""
    import hashlib

    from lambdaworks.deploy.artifacts import key_of
    from lambdaworks.deploy.stack import MAX_TEMPLATE_BODY

    body = json.dumps(prepared.cloudformation, indent=1, sort_keys=True)
    if len(body.encode()) <= MAX_TEMPLATE_BODY:
        return stack.change_set(body, prepared.parameters)
    s3 = ctx.aws.client("s3")
    bucket = ctx.bucket()
    key = key_of(hashlib.sha256(body.encode()).hexdigest(), f"{ctx.get('s3_prefix') or ''}/templates", ".json")
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode())
    url = f"{s3.meta.endpoint_url}/{bucket}/{key}"
    return stack.change_set(body, prepared.parameters, template_url=url)


def confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise fail("not a terminal, so nothing can be confirmed: pass --no-confirm to deploy from CI")
    return click.confirm(question, default=False)


def show_changes(change_set: ChangeSet) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Change set ({change_set.kind.lower()})", title_justify="left")
    for column in ("Action", "Logical ID", "Type", "Replacement"):
        table.add_column(column)
    colours = {"Add": "green", "Modify": "yellow", "Remove": "red"}
    for change in change_set.changes:
        colour = colours.get(change.action, "")
        table.add_row(
            f"[{colour}]{change.action}[/]" if colour else change.action,
            change.logical_id,
            change.resource_type,
            change.replacement,
        )
    Console(width=max(100, Console().width)).print(table)


def show_event(event: dict[str, Any]) -> None:
    status = str(event.get("ResourceStatus", ""))
    colour = "red" if "FAILED" in status or "ROLLBACK" in status else "green" if status.endswith("COMPLETE") else None
    reason = event.get("ResourceStatusReason")
    line = f"  {status:<28} {event.get('ResourceType', ''):<40} {event.get('LogicalResourceId', '')}"
    click.secho(line + (f"  ({reason})" if reason else ""), fg=colour, err=True)


def print_outputs(outputs: dict[str, str]) -> None:
    if not outputs:
        return
    width = max(len(key) for key in outputs)
    click.echo("Outputs:")
    for key, value in sorted(outputs.items()):
        click.echo(f"  {key.ljust(width)}  {value}")


# -- outputs and delete --------------------------------------------------------------------------


@click.command("outputs")
@click.option("--stack-name", help="The CloudFormation stack.  [default: samconfig.toml's stack_name]")
@click.option("--json", "as_json", is_flag=True, help="Print the outputs as a JSON object.")
@aws_options
def outputs_command(as_json: bool, **params: Any) -> None:
    """Print a deployed stack's outputs (API URLs, function ARNs)."""
    from lambdaworks.deploy.stack import Stack

    ctx = Context(params)
    with reported():
        outputs = Stack(ctx.aws.client("cloudformation"), ctx.stack_name()).outputs()
    if as_json:
        click.echo(json.dumps(outputs, indent=2, sort_keys=True))
    else:
        print_outputs(outputs)


@click.command("delete")
@click.option("--stack-name", help="The CloudFormation stack.  [default: samconfig.toml's stack_name]")
@click.option("--no-confirm", is_flag=True, help="Delete without asking.")
@aws_options
def delete_command(no_confirm: bool, **params: Any) -> None:
    """Delete a deployed stack and wait until it is gone (the uploaded zips stay in the bucket)."""
    from lambdaworks.deploy.stack import Stack

    ctx = Context(params)
    name = ctx.stack_name()
    if not no_confirm and not confirm(f"Delete stack {name} and everything it created?"):
        raise fail("cancelled")
    with reported():
        deleted = Stack(ctx.aws.client("cloudformation"), name).delete(show_event)
    click.echo(f"Stack {name}: deleted." if deleted else f"No stack named {name}; nothing to delete.")
