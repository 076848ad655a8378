"""``lambdaworks template | package | deploy | outputs | delete``: the project on AWS through CloudFormation.

The commands read their settings and show progress; the work is :class:`lambdaworks.deploy.pipeline.Pipeline`'s.
Each needs the ``deploy`` extra and says so, before any work, when it is missing.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from lambdaworks.cli.build import plural
from lambdaworks.cli.errors import UsageProblem, debug_option
from lambdaworks.cli.project import load_local, project_options
from lambdaworks.cli.settings import Settings, config_options
from lambdaworks.extras import require

if TYPE_CHECKING:
    from lambdaworks.deploy.aws import Aws
    from lambdaworks.deploy.package import Prepared
    from lambdaworks.deploy.pipeline import Pipeline
    from lambdaworks.deploy.stack import ChangeSet

F = TypeVar("F", bound=Callable[..., Any])

#: The samconfig.toml tables the deploy commands read, after ``global``.
TABLES = ("deploy",)


def warn(message: str) -> None:
    click.secho(f"warning: {message}", fg="yellow", err=True)


def deploy_command_of(name: str, *, project: bool) -> Callable[[F], F]:
    """A deploy-family command: the deploy extra checked first, AWS failures explained in one line,
    and its options (the project's, when it builds one, then the AWS and samconfig.toml ones)."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def run(**params: Any) -> Any:
            require("deploy", f"lambdaworks {name}")
            settings = Settings.read(TABLES, params, params.get("project_dir"))
            aws = aws_of(settings)
            with aws.explained():
                return command(settings, aws, **params)

        options = [
            click.option("--region", help="AWS region.  [default: the profile's, or samconfig.toml's]"),
            click.option("--profile", help="AWS named profile."),
            click.option("--endpoint-url", help="Send every AWS call here (LocalStack, moto)."),
            debug_option,
        ]
        if project:
            options[:0] = [
                click.option("--stage", help="Deploy every API under this stage name."),
                click.option("--s3-bucket", help="Bucket the zips are uploaded to (by sha256: each is sent once)."),
                click.option("--s3-prefix", default=None, help="Key prefix inside the bucket."),
            ]
        decorated: Any = config_options("deploy")(cast(F, run))
        for option in reversed(options):
            decorated = option(decorated)
        return cast(F, project_options(decorated) if project else decorated)

    return decorate


def aws_of(settings: Settings) -> Aws:
    from lambdaworks.deploy.aws import Aws

    return Aws(settings.get("region"), settings.get("profile"), settings.params.get("endpoint_url"))


def required(settings: Settings, name: str, flag: str) -> str:
    value = settings.get(name)
    if not value:
        raise UsageProblem(f"no {name.replace('_', ' ')}: pass {flag}, or set {name} in samconfig.toml")
    return str(value)


def pipeline(settings: Settings, aws: Aws, region: str, bucket: str | None) -> Pipeline:
    """The project in the settings' PROJECT_DIR on its way to ``bucket`` in ``region``."""
    from lambdaworks.deploy.package import Target
    from lambdaworks.deploy.pipeline import Pipeline

    overrides = settings.overrides()
    project = load_local(settings.params["project_dir"], settings.params.get("template"), overrides, None)
    for message in project.warnings:
        warn(message)
    target = Target(bucket, str(settings.get("s3_prefix") or ""), region, settings.get("stage"), overrides)
    cache = os.environ.get("LAMBDAWORKS_CACHE_DIR")
    return Pipeline(project, target, aws, Path(cache) if cache else None)


def prepared_by(run: Pipeline) -> Prepared:
    """The pipeline's prepared project, its warnings and cfn-lint's findings shown; stops on lint errors."""
    from lambdaworks.cli.build import spinner

    prepared = run.prepare(task=spinner)
    for message in prepared.warnings:
        warn(message)
    for problem in prepared.problems:
        if problem.level == "error":
            click.secho(f"error: cfn-lint: {problem}", fg="red", err=True)
        else:
            warn(f"cfn-lint: {problem}")
    run.check(prepared)
    return prepared


def upload(run: Pipeline, prepared: Prepared) -> None:
    def announce(name: str, size: int) -> None:
        click.echo(f"  uploading {name} ({size / 1_048_576:.1f} MB)", err=True)

    done = run.upload(prepared, announce)
    click.echo(
        f"Artifacts: {plural(len(done.sent), 'upload')} ({done.bytes_sent / 1_048_576:.1f} MB), "
        f"{len(done.present)} already in s3://{run.target.bucket}",
        err=True,
    )


# -- template ------------------------------------------------------------------------------------


@click.command("template")
@deploy_command_of("template", project=True)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["sam", "cloudformation"]),
    default="sam",
    show_default=True,
    help="The SAM template, or the CloudFormation aws-sam-translator makes of it.",
)
@click.option("--openapi", type=click.Path(dir_okay=False, path_type=Path), help="Also write each API's OpenAPI here.")
def template_command(settings: Settings, aws: Aws, format_: str, openapi: Path | None, **params: Any) -> None:
    """Print what `lambdaworks deploy` would deploy for PROJECT_DIR (builds it; uploads nothing)."""
    import yaml

    region = aws.session().region_name or "us-east-1"  # a region only decides certificates and partitions here
    prepared = prepared_by(pipeline(settings, aws, region, settings.get("s3_bucket")))
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
@deploy_command_of("package", project=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where template.yaml and cloudformation.json go.  [default: .lambdaworks/package]",
)
def package_command(settings: Settings, aws: Aws, out: Path | None, **params: Any) -> None:
    """Build PROJECT_DIR, upload the zips the bucket lacks, and write the deployable templates."""
    bucket = required(settings, "s3_bucket", "--s3-bucket")
    run = pipeline(settings, aws, aws.region_name(), bucket)
    prepared = prepared_by(run)
    upload(run, prepared)
    sam_path, cfn_path = run.write(prepared, out)
    click.echo(f"{sam_path}\n{cfn_path}")


# -- deploy --------------------------------------------------------------------------------------


@click.command("deploy")
@deploy_command_of("deploy", project=True)
@click.option("--stack-name", help="The CloudFormation stack.  [default: samconfig.toml's stack_name]")
@click.option("--no-confirm", is_flag=True, help="Execute the change set without asking (CI).")
def deploy_command(settings: Settings, aws: Aws, no_confirm: bool, **params: Any) -> None:
    """Build, upload and deploy PROJECT_DIR with a CloudFormation change set, then print the outputs."""
    from lambdaworks.deploy.stack import Stack

    name = required(settings, "stack_name", "--stack-name")
    bucket = required(settings, "s3_bucket", "--s3-bucket")
    ask = not no_confirm and settings.from_file("no_confirm", key="confirm_changeset") is not False
    run = pipeline(settings, aws, aws.region_name(), bucket)
    prepared = prepared_by(run)
    upload(run, prepared)
    run.write(prepared)
    stack = Stack(aws.client("cloudformation"), name)
    change_set = run.change_set(stack, prepared)
    if change_set is None:
        click.echo(f"No changes: stack {name} is up to date.")
    else:
        show_changes(change_set)
        if ask and not confirm(f"Deploy these {plural(len(change_set.changes), 'change')} to {name}?"):
            stack.cfn.delete_change_set(ChangeSetName=change_set.arn)
            raise click.ClickException("cancelled; the change set was deleted and nothing changed")
        stack.execute(change_set, show_event)
        click.secho(f"Stack {name}: {'created' if change_set.kind == 'CREATE' else 'updated'}.", fg="green")
    print_outputs(stack.outputs())


def confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageProblem("not a terminal, so nothing can be confirmed: pass --no-confirm to deploy from CI")
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
@deploy_command_of("outputs", project=False)
def outputs_command(settings: Settings, aws: Aws, as_json: bool, **params: Any) -> None:
    """Print a deployed stack's outputs (API URLs, function ARNs)."""
    from lambdaworks.deploy.stack import Stack

    name = required(settings, "stack_name", "--stack-name")
    outputs = Stack(aws.client("cloudformation"), name).outputs()
    if as_json:
        click.echo(json.dumps(outputs, indent=2, sort_keys=True))
    else:
        print_outputs(outputs)


@click.command("delete")
@click.option("--stack-name", help="The CloudFormation stack.  [default: samconfig.toml's stack_name]")
@click.option("--no-confirm", is_flag=True, help="Delete without asking.")
@deploy_command_of("delete", project=False)
def delete_command(settings: Settings, aws: Aws, no_confirm: bool, **params: Any) -> None:
    """Delete a deployed stack and wait until it is gone (the uploaded zips stay in the bucket)."""
    from lambdaworks.deploy.stack import Stack

    name = required(settings, "stack_name", "--stack-name")
    if not no_confirm and not confirm(f"Delete stack {name} and everything it created?"):
        raise click.ClickException("cancelled")
    deleted = Stack(aws.client("cloudformation"), name).delete(show_event)
    click.echo(f"Stack {name}: deleted." if deleted else f"No stack named {name}; nothing to delete.")
