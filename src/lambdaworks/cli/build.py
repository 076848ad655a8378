"""``lambdaworks build``: deployment zips and layers for every function, with a size report."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lambdaworks.cli.project import load, project_options

if TYPE_CHECKING:
    from lambdaworks.build import BuildResult


@contextlib.contextmanager
def spinner(description: str) -> Iterator[Callable[[str], None]]:
    """A rich spinner for a slow step (pip, a large zip), showing its latest output line."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        click.echo(f"{description} ...", err=True)
        yield lambda line: None
        return
    with console.status(description) as status:

        def show(line: str) -> None:
            if line.strip():
                status.update(f"{description}  [dim]{line.strip()[:80]}[/dim]")

        yield show


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@click.command("build")
@project_options
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.  [default: .lambdaworks/build]"
)
@click.option(
    "--arch", type=click.Choice(["x86_64", "arm64"]), help="Build for this architecture.  [default: each function's]"
)
@click.option("--python", "python", metavar="3.X", help="Build for this Python.  [default: each function's Runtime]")
@click.option(
    "--layer/--no-layer",
    default=True,
    show_default=True,
    help="Dependencies in a shared layer, or inside each code package.",
)
@click.option(
    "--include-boto3", is_flag=True, help="Package boto3/botocore/s3transfer/jmespath instead of using the runtime's."
)
@click.option("--source-builds", is_flag=True, help="Build dependencies that have no wheel for the target from source.")
@click.option("--compile", "compile_", is_flag=True, help="Ship bytecode (the build's Python must be the target's).")
@click.option("--force", is_flag=True, help="Rebuild everything, cached dependencies included.")
@click.option("--strict", is_flag=True, help="Fail when a shipped file holds what looks like a credential.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="LAMBDAWORKS_CACHE_DIR",
    help="Where installed dependencies are kept (share it between projects or CI runs).  "
    "[default: .lambdaworks/cache; env LAMBDAWORKS_CACHE_DIR]",
)
def build_command(
    project_dir: Path,
    template: Path | None,
    overrides: tuple[str, ...],
    out: Path | None,
    arch: str | None,
    python: str | None,
    layer: bool,
    include_boto3: bool,
    source_builds: bool,
    compile_: bool,
    force: bool,
    strict: bool,
    cache_dir: Path | None,
) -> None:
    """Build the functions of PROJECT_DIR into deterministic zips: code packages and dependency layers.

    Dependencies are installed with pip as wheels for Lambda's platform; what the runtime already
    has (boto3) and what no function needs (bytecode, tests, secrets) is left out and listed. An
    unchanged build does nothing; a code edit rezips only that code package.
    """
    from dataclasses import replace

    from lambdaworks.build import BuildError, Options, build, uptodate
    from lambdaworks.build.report import problems, report

    recorder = uptodate.begin(str(project_dir))
    project = load(project_dir, template, overrides)
    warnings = [f"warning: {warning}" for warning in project.warnings]
    for line in warnings:
        click.secho(line, fg="yellow", err=True)
    options = Options(out, python, arch, layer, include_boto3, source_builds, compile_, force, cache_dir, strict)
    try:
        result = build(project, options, task=spinner)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    for warning in result.warnings:
        warnings.append(f"warning: {warning}")
        click.secho(warnings[-1], fg="yellow", err=True)
    click.echo("\n".join(report(result)))
    before, after = summary(result, written=sum(a.built for a in result.artifacts.values()))
    click.echo(f"{before}{result.seconds * 1000:.0f} ms{after}")
    over = problems(result)
    if over:
        for problem in over:
            click.secho(f"error: {problem}", fg="red", err=True)
        raise SystemExit(1)
    if recorder is not None:  # what this command would print if run again with nothing changed
        unchanged = replace(
            result,
            artifacts={name: replace(a, built=False) for name, a in result.artifacts.items()},
            pip_installs=0,
        )
        outputs = [str(path) for path in result.out.iterdir()]
        recorder.save("\n".join(report(unchanged)) + "\n", summary(unchanged, 0), warnings, outputs)


def summary(result: BuildResult, written: int) -> tuple[str, str]:
    """The closing line, split where its duration goes."""
    return (
        f"\n{plural(len(result.functions), 'function')}, {plural(len(result.artifacts), 'artifact')} "
        f"({written} written, {plural(result.pip_installs, 'pip install')}) in ",
        f" -> {result.out}",
    )
