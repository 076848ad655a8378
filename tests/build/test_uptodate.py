"""The no-op fast path: an unchanged ``lambdaworks build`` is answered from its stamp, anything else builds.

Each build runs the real console-script entry in a fresh interpreter. The probe prints REPLAYED
when the entry returned having imported neither click, typing, the project loader nor the
packager (the real build exits through click instead, so it prints nothing).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from lambdaworks.build import files, uptodate
from lambdaworks.cli.main import main
from tests.build.conftest import out_dir, write_project

PROBE = """\
import sys
from lambdaworks.cli.entry import run
run()
heavy = [m for m in ("click", "typing", "lambdaworks.project", "lambdaworks.build.builder") if m in sys.modules]
print(f"imported {heavy}" if heavy else "REPLAYED", file=sys.stderr)
"""

LIB = {"src/lib/util.py": "VALUE = 1\n", "src/lib/data.txt": "data\n"}


def build(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[bool, subprocess.CompletedProcess[str]]:
    """Run ``lambdaworks build ROOT ARGS``; True if it was answered from the stamp."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "build", str(root), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stderr.endswith("REPLAYED\n"), result


def without_timing(text: str) -> str:
    return re.sub(r" in \d+ ms ", " in N ms ", text)


def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", requirements=None, files=LIB)


def test_unchanged_build_is_answered_from_its_stamp_with_the_real_report(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert build(root)[0] is False  # the first build is real
    replayed, fast = build(root)
    assert replayed
    real_replayed, real = build(root, env={uptodate.DISABLE_ENV: "0"})
    assert real_replayed is False
    assert "0 written, 0 pip installs" in fast.stdout
    assert without_timing(fast.stdout) == without_timing(real.stdout)
    assert fast.stderr.removesuffix("REPLAYED\n") == real.stderr


def edit_same_size(root: Path) -> None:
    app = root / "src" / "app.py"
    app.write_text(app.read_text().replace('"ok"', '"OK"'))


def add_file(root: Path) -> None:
    (root / "src" / "lib" / "extra.py").write_text("EXTRA = 2\n")


def remove_file(root: Path) -> None:
    (root / "src" / "lib" / "data.txt").unlink()


def ignore_folder(root: Path) -> None:
    (root / ".lambdaignore").write_text("src/lib/\n")


def add_requirements(root: Path) -> None:
    (root / "src" / "requirements.txt").write_text("# nothing yet\n")


def edit_template(root: Path) -> None:
    template = root / "template.yaml"
    template.write_text(template.read_text().replace("Handler: app.work", "Handler: app.handler"))


def remove_output(root: Path) -> None:
    (out_dir(root) / "code-src.zip").unlink()


@pytest.mark.parametrize(
    "change",
    [edit_same_size, add_file, remove_file, ignore_folder, add_requirements, edit_template, remove_output],
)
def test_any_change_builds_for_real_then_is_stamped_again(tmp_path: Path, change: Callable[[Path], None]) -> None:
    root = project(tmp_path)
    build(root)
    assert build(root)[0]
    time.sleep(0.03)  # past the coarse clock's tick, as a person's edit would be
    change(root)
    assert build(root)[0] is False, f"{change.__name__} went unnoticed"
    assert build(root)[0]  # and the new state is stamped
    with zipfile.ZipFile(out_dir(root) / "code-src.zip") as zf:
        shipped = set(zf.namelist())
        app = zf.read("app.py").decode()
    assert ("lib/extra.py" in shipped) is (change is add_file)
    assert ("lib/data.txt" in shipped) is (change not in (remove_file, ignore_folder))
    assert ('"OK"' in app) is (change is edit_same_size)


def test_other_arguments_have_their_own_stamp_and_force_always_builds(tmp_path: Path) -> None:
    root = project(tmp_path)
    build(root)
    other = tmp_path / "elsewhere"
    assert build(root, "--out", str(other))[0] is False
    assert build(root, "--out", str(other))[0]
    assert build(root)[0]  # the first invocation's stamp still stands
    assert build(root, "--force")[0] is False
    assert build(root, "--force")[0] is False


def test_a_file_stamped_after_the_build_started_is_not_trusted(tmp_path: Path) -> None:
    root = project(tmp_path)
    build(root)
    app = root / "src" / "app.py"
    future = time.time_ns() + 60 * 10**9  # as if written while the build was reading it
    os.utime(app, ns=(future, future))
    assert build(root)[0] is False
    assert build(root)[0] is False  # racy: no stamp was written
    past = time.time_ns() - 60 * 10**9
    os.utime(app, ns=(past, past))
    assert build(root)[0] is False
    assert build(root)[0]


def test_warnings_are_replayed_on_stderr(tmp_path: Path) -> None:
    root = project(tmp_path)
    template = root / "template.yaml"
    template.write_text(template.read_text() + "  Machine:\n    Type: AWS::Serverless::StateMachine\n")
    first = build(root)[1]
    replayed, again = build(root)
    assert replayed
    warning = "warning: Machine: AWS::Serverless::StateMachine is not emulated locally\n"
    assert warning in first.stderr
    assert again.stderr == warning + "REPLAYED\n"


def test_a_build_inside_another_program_leaves_no_stamp(tmp_path: Path, stamp_dir: Path) -> None:
    root = project(tmp_path)
    before = sorted(stamp_dir.iterdir())
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    assert sorted(stamp_dir.iterdir()) == before  # only the console script answers from stamps


def test_the_build_names_the_event_the_recorder_listens_for() -> None:
    assert files.BUILD_INPUT == uptodate.BUILD_INPUT


def test_stamps_not_rewritten_for_a_month_are_removed_when_a_build_stores_one(tmp_path: Path, stamp_dir: Path) -> None:
    old = stamp_dir / "0000000000000000.stamp"
    old.write_bytes(b"from a project long gone")
    month_ago = time.time() - (uptodate.STAMP_DAYS + 1) * 86400
    os.utime(old, (month_ago, month_ago))
    recent = stamp_dir / "1111111111111111.stamp"
    recent.write_bytes(b"from yesterday")
    root = project(tmp_path)
    build(root)
    assert not old.exists()
    assert recent.exists()
    assert build(root)[0]


def test_the_code_that_built_is_an_input_but_the_standard_library_is_not() -> None:
    from lambdaworks.build import builder

    loaded = uptodate.loaded_code()
    assert os.path.abspath(builder.__file__) in loaded  # an edited packager builds differently
    assert os.path.abspath(zipfile.__file__) not in loaded
    assert os.path.abspath(str(click.__file__)) in loaded


def test_packages_installed_beside_the_standard_library_are_not_part_of_it() -> None:
    stdlib = os.path.dirname(os.__file__)
    assert uptodate.in_stdlib(os.path.join(stdlib, "json", "__init__.py"))
    assert uptodate.in_stdlib(os.path.join(stdlib, "lib-dynload", "_json.so"))
    # pip install without a virtualenv: lambdaworks and PyYAML live under the stdlib's folder
    assert not uptodate.in_stdlib(os.path.join(stdlib, "site-packages", "lambdaworks", "build", "builder.py"))
    assert not uptodate.in_stdlib(os.path.join(stdlib, "dist-packages", "yaml", "__init__.py"))
    assert not uptodate.in_stdlib(os.path.join(os.path.dirname(stdlib), "elsewhere", "module.py"))


def test_an_event_the_recorder_cannot_read_never_fails_the_build_and_leaves_no_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = uptodate.Recorder(["an", "invocation"], str(tmp_path))
    monkeypatch.setattr(uptodate, "_recorder", recorder)
    uptodate._hook("open", (str(tmp_path / "file"), None, None))  # no mode and no flags: unreadable
    assert recorder.broken
    assert recorder.save("report\n", ("", ""), [], []) is False
    assert not os.path.exists(uptodate.stamp_path(recorder.invocation))
