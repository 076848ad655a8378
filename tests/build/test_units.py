"""The packager's pure parts: targets and their wheel tags, requirement files, deterministic zips."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdaworks.build import BuildError, Target
from lambdaworks.build.pip import no_wheel
from lambdaworks.build.requirements import find
from lambdaworks.build.zipper import Entry, extract, write


def test_python312_x86_accepts_manylinux_up_to_al2023_glibc() -> None:
    tags = Target.of("python3.12", "x86_64").platforms()
    assert tags[0] == "manylinux_2_34_x86_64"
    assert "manylinux_2_35_x86_64" not in tags
    assert tags[-4:] == ["manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]


def test_python311_arm64_stops_at_amazon_linux_2_glibc() -> None:
    target = Target.of("python3.11", "x86_64", arch="arm64")
    tags = target.platforms()
    assert (target.machine, tags[0], tags[-1]) == ("aarch64", "manylinux_2_26_aarch64", "manylinux2014_aarch64")
    assert str(target) == "python3.11 arm64"


def test_python_override_and_bad_targets() -> None:
    assert Target.of("python3.12", "x86_64", python="3.10").python == "3.10"
    with pytest.raises(BuildError, match=r"--python 3\.9"):
        Target.of("python3.12", "x86_64", python="3.9")
    with pytest.raises(BuildError, match="architecture 'arm'"):
        Target.of("python3.12", "arm")


def test_requirements_expand_includes_drop_lambdaworks_and_note_boto3_pins(tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("six==1.16.0  # comment\n-c constraints.txt\n")
    (tmp_path / "constraints.txt").write_text("six<2\n")
    (tmp_path / "requirements.txt").write_text(
        "-r base.txt\nLambdaWorks>=0.1\nboto3==1.35.0\nbotocore\nflask[async] >= 3 ; python_version >= '3.10'\n"
    )
    found = find(tmp_path)
    assert found is not None
    assert found.wants_lambdaworks
    lines = found.text.splitlines()
    assert lines[0] == "six==1.16.0"
    assert lines[1] == f"-c {tmp_path / 'constraints.txt'}"
    assert "# constraints.txt: six<2" in lines  # a constraint edit changes the hash too
    assert not [line for line in lines if "ambda" in line.lower()]
    assert found.pinned_boto3 == ("boto3==1.35.0",)  # unpinned botocore is not a pin


def test_requirements_file_wins_over_pyproject_and_neither_is_none(tmp_path: Path) -> None:
    assert find(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["six"]\n')
    assert find(tmp_path).text == "six\n"  # type: ignore[union-attr]
    (tmp_path / "requirements.txt").write_text("# nothing yet\n")
    assert find(tmp_path).empty  # type: ignore[union-attr]
    (tmp_path / "pyproject.toml").write_text("[project\n")
    (tmp_path / "requirements.txt").unlink()
    with pytest.raises(BuildError, match="not valid TOML"):
        find(tmp_path)


def test_pip_no_match_becomes_a_named_error() -> None:
    output = (
        "ERROR: Could not find a version that satisfies the requirement numpy==1.16.0 (from versions: 1.26.0, 2.0.0)\n"
        "ERROR: No matching distribution found for numpy==1.16.0\n"
    )
    error = no_wheel(output, Target("3.12", "arm64"))
    assert error is not None
    assert error.package == "numpy==1.16.0"
    assert "no release of numpy==1.16.0 matching your requirement has a wheel for python3.12 arm64" in str(error)
    assert no_wheel("ERROR: network is down", Target("3.12", "arm64")) is None


def test_zips_are_identical_whatever_the_files_times_and_order(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "run.sh"
    a.write_text("alpha\n")
    b.write_text("#!/bin/sh\n")
    b.chmod(0o700)
    first = tmp_path / "one.zip"
    write(first, [Entry("z/a.txt", a, 6), Entry("run.sh", b, 10, executable=True)])
    a.touch()  # a new mtime changes nothing
    second = tmp_path / "two.zip"
    write(second, [Entry("run.sh", b, 10, executable=True), Entry("z/a.txt", a, 6)])
    assert first.read_bytes() == second.read_bytes()
    extract(first, tmp_path / "out")
    assert (tmp_path / "out" / "z" / "a.txt").read_text() == "alpha\n"
    assert (tmp_path / "out" / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "out" / "z" / "a.txt").stat().st_mode & 0o111 == 0
