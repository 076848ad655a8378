"""``lambdaworks build`` end to end: real pip installs from the index, real zips, the cache, the report."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.build.conftest import artifact, build, manifest, names, out_dir, snapshot, write_project

REQUIREMENTS = "six==1.16.0\nMarkupSafe==2.1.5\njmespath==1.0.1\n"


def test_first_build_layers_dependencies_and_shares_the_code_package(tmp_path: Path, pip_spy) -> None:
    env, log = pip_spy
    root = write_project(tmp_path, REQUIREMENTS)
    result = build(root, env=env)
    data = manifest(root)
    api, worker = data["functions"]["ApiFunction"], data["functions"]["WorkerFunction"]
    assert api["code"] == worker["code"] == "code-src.zip"  # one code package for both handlers
    assert api["layers"] == worker["layers"]
    assert len(api["layers"]) == 1
    assert (api["python"], api["architecture"]) == ("3.12", "x86_64")
    assert len(log.read_text().splitlines()) == 1  # one pip install for the shared requirements

    layer = names(artifact(root, "ApiFunction", "layer"))
    assert "python/six.py" in layer
    assert "python/markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so" in layer
    assert "python/six-1.16.0.dist-info/METADATA" in layer  # metadata stays: packages read it
    assert not [n for n in layer if n.startswith("python/jmespath")]  # the runtime provides it
    assert not [
        n for n in layer if n.endswith(("/RECORD", "/INSTALLER", ".pyi", ".pyc")) or n.startswith("python/bin/")
    ]
    assert names(artifact(root, "ApiFunction")) == ["app.py", "requirements.txt"]

    excluded = data["artifacts"][api["layers"][0]]["excluded"]
    assert {
        k: v
        for k, v in next(e for e in excluded if e["paths"] == ["jmespath==1.0.1"]).items()
        if k in ("reason", "count")
    } == {"reason": "the Lambda runtime provides it", "count": 1}
    assert "the Lambda runtime provides it: jmespath==1.0.1" in result.stdout
    assert "jmespath==1.0.1" in result.stderr
    assert "--include-boto3" in result.stderr
    assert "Largest packages:" in result.stdout
    assert "markupsafe" in result.stdout


def test_unchanged_build_runs_no_pip_and_rewrites_nothing(tmp_path: Path, pip_spy) -> None:
    env, log = pip_spy
    root = write_project(tmp_path)
    build(root, env=env)
    before = snapshot(out_dir(root))
    again = build(root, env=env)
    assert len(log.read_text().splitlines()) == 1  # the first build's only
    assert snapshot(out_dir(root)) == before  # same files, same bytes, same mtimes
    assert "0 written, 0 pip installs" in again.stdout


def test_code_edit_rezips_only_the_code_package(tmp_path: Path, pip_spy) -> None:
    env, log = pip_spy
    root = write_project(tmp_path)
    build(root, env=env)
    before = snapshot(out_dir(root))
    with (root / "src" / "app.py").open("a") as f:
        f.write("\nVERSION = 2\n")
    result = build(root, env=env)
    after = snapshot(out_dir(root))
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"code-src.zip", "manifest.json", ".state.json"}
    assert len(log.read_text().splitlines()) == 1
    assert "1 written, 0 pip installs" in result.stdout
    with zipfile.ZipFile(out_dir(root) / "code-src.zip") as zf:
        assert b"VERSION = 2" in zf.read("app.py")


def test_requirements_change_reinstalls(tmp_path: Path, pip_spy) -> None:
    env, log = pip_spy
    root = write_project(tmp_path)
    build(root, env=env)
    old_layer = artifact(root, "ApiFunction", "layer")
    (root / "src" / "requirements.txt").write_text("six==1.16.0\nMarkupSafe==2.1.5\n")
    build(root, env=env)
    assert len(log.read_text().splitlines()) == 2
    assert not old_layer.exists()  # the stale layer is removed from the output
    assert "python/markupsafe/__init__.py" in names(artifact(root, "ApiFunction", "layer"))


def test_two_builds_are_byte_identical(tmp_path: Path, shared_cache) -> None:
    first = write_project(tmp_path / "one", REQUIREMENTS)
    second = write_project(tmp_path / "two", REQUIREMENTS)
    build(first, env=shared_cache)
    build(second, "--force", env=shared_cache)  # pip again, zips again
    one, two = snapshot(out_dir(first)), snapshot(out_dir(second))
    zips = sorted(n for n in one if n.endswith(".zip"))
    assert zips == sorted(n for n in two if n.endswith(".zip"))
    assert len(zips) == 2
    assert [one[n][1] for n in zips] == [two[n][1] for n in zips]
    with zipfile.ZipFile(out_dir(first) / zips[0]) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in zf.infolist()} <= {0o100644, 0o100755}
        assert [i.filename for i in zf.infolist()] == sorted(i.filename for i in zf.infolist())


def test_arm64_selects_aarch64_wheels(tmp_path: Path, shared_cache) -> None:
    root = write_project(tmp_path, "MarkupSafe==2.1.5\n", runtime="python3.11", arch="arm64")
    build(root, env=shared_cache)
    layer = names(artifact(root, "ApiFunction", "layer"))
    assert "python/markupsafe/_speedups.cpython-311-aarch64-linux-gnu.so" in layer
    x86 = write_project(tmp_path / "x86", "MarkupSafe==2.1.5\n", runtime="python3.11")
    build(x86, "--arch", "arm64", env=shared_cache)  # --arch overrides the template
    assert manifest(x86)["functions"]["ApiFunction"]["architecture"] == "arm64"
    assert manifest(x86)["functions"]["ApiFunction"]["layers"] == manifest(root)["functions"]["ApiFunction"]["layers"]


def test_no_layer_puts_dependencies_in_the_code_package(tmp_path: Path, shared_cache) -> None:
    root = write_project(tmp_path)
    build(root, "--no-layer", env=shared_cache)
    spec = manifest(root)["functions"]["ApiFunction"]
    assert spec["layers"] == []
    files = names(out_dir(root) / spec["code"])
    assert "six.py" in files
    assert "app.py" in files


def test_include_boto3_keeps_runtime_packages(tmp_path: Path, shared_cache) -> None:
    root = write_project(tmp_path, "jmespath==1.0.1\n")
    result = build(root, "--include-boto3", env=shared_cache)
    assert "python/jmespath/__init__.py" in names(artifact(root, "ApiFunction", "layer"))
    assert "--include-boto3" not in result.stderr


def test_no_wheel_names_the_package_and_the_way_out(tmp_path: Path, shared_cache) -> None:
    root = write_project(tmp_path, "docopt==0.6.2\n")  # published as an sdist only
    result = build(root, env=shared_cache, check=False)
    assert result.returncode == 1
    assert "docopt==0.6.2" in result.stderr
    assert "--source-builds" in result.stderr
    assert not (out_dir(root) / "manifest.json").exists()

    built = build(root, "--source-builds", env=shared_cache)  # a pure-Python sdist: fine for any target
    assert "python/docopt.py" in names(artifact(root, "ApiFunction", "layer"))
    assert "1 pip install" in built.stdout


def test_pyproject_dependencies_are_installed(tmp_path: Path, shared_cache) -> None:
    root = write_project(
        tmp_path,
        None,
        files={
            "src/pyproject.toml": '[project]\nname = "app"\nversion = "1"\ndependencies = ["six==1.16.0", "lambdaworks"]\n'
        },
    )
    build(root, env=shared_cache)
    assert "python/six.py" in names(artifact(root, "ApiFunction", "layer"))
    code = names(artifact(root, "ApiFunction"))
    assert "lambdaworks/runtime/adapter.py" in code  # asked for: its runtime is vended, not fetched from PyPI
