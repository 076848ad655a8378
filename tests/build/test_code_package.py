"""What goes into a code package: planted secrets and litter stay out, .lambdaignore applies, the runtime is vended."""

from __future__ import annotations

import os
from pathlib import Path

from tests.build.conftest import artifact, build, manifest, names, write_project

KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"


def test_planted_secrets_and_litter_are_left_out_and_listed(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        None,
        files={
            "src/.env": "DB_PASSWORD=hunter2\n",
            "src/.env.production": "API_KEY=abc\n",
            "src/.aws/credentials": "[default]\naws_secret_access_key = x\n",
            "src/deploy/id_rsa": KEY,
            "src/certs/server.pem": "cert\n",
            "src/config/settings.txt": "not a key by name, but holds one:\n" + KEY,
            "src/.git/HEAD": "ref: refs/heads/main\n",
            "src/__pycache__/app.cpython-311.pyc": "bytecode",
            "src/.venv/pyvenv.cfg": "home = /usr\n",
            "src/env/pyvenv.cfg": "home = /usr\n",  # a virtualenv by any name
            "src/env/lib/big.py": "x = 1\n",
            "src/pkg/__init__.py": "",
            "src/pkg/util.py": "VALUE = 1\n",
            "src/README.md": "# docs\n",
        },
    )
    (root / "src" / "dangling").symlink_to(root / "nowhere")
    (root / "src" / "linked.py").symlink_to(root / "src" / "pkg" / "util.py")  # a link ships what it points to
    result = build(root)
    shipped = ["README.md", "app.py", "linked.py", "pkg/__init__.py", "pkg/util.py"]
    assert names(artifact(root, "ApiFunction")) == shipped
    for listed in (
        "secrets (.env): src/.env, src/.env.production",
        "credentials: src/.aws/",
        "SSH key: src/deploy/id_rsa",
        "key or certificate: src/certs/server.pem",
        "private key: src/config/settings.txt",
        "version control: src/.git/",
        "virtualenv: src/.venv/, src/env/",
        "bytecode: src/__pycache__/",
        "broken link: src/dangling",
    ):
        assert listed in result.stdout, listed


def test_lambdaignore_patterns_in_gitignore_syntax(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        None,
        files={
            ".lambdaignore": "*.md\n!KEEP.md\n",  # the project's, for every code folder
            "src/.lambdaignore": "fixtures/\n/local_settings.py\n",  # the code folder's own
            "src/README.md": "",
            "src/KEEP.md": "",
            "src/fixtures/big.json": "{}",
            "src/local_settings.py": "",
            "src/pkg/local_settings.py": "",
        },
    )
    result = build(root)
    files = names(artifact(root, "ApiFunction"))
    assert files == ["KEEP.md", "app.py", "pkg/local_settings.py"]
    assert ".lambdaignore: src/README.md, src/fixtures/, src/local_settings.py" in result.stdout
    assert "build settings: src/.lambdaignore" in result.stdout


def test_code_importing_lambdaworks_gets_its_runtime(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        None,
        files={"src/app.py": "import lambdaworks\n\nhandler = lambdaworks.handler(lambda environ, start: [])\n"},
    )
    build(root)
    files = names(artifact(root, "ApiFunction"))
    vended = [f for f in files if f.startswith("lambdaworks/")]
    assert "lambdaworks/__init__.py" in vended
    assert "lambdaworks/runtime/bootstrap.py" in vended
    assert not [f for f in vended if f.startswith(("lambdaworks/cli", "lambdaworks/local", "lambdaworks/build"))]
    assert not [f for f in vended if "__pycache__" in f]


def test_code_without_lambdaworks_ships_none_of_it(tmp_path: Path) -> None:
    root = write_project(tmp_path, None, files={"src/app.py": "# lambdaworks is mentioned, not imported\n"})
    build(root)
    assert names(artifact(root, "ApiFunction")) == ["app.py"]


def test_over_the_zipped_limit_fails_with_what_to_do(tmp_path: Path) -> None:
    root = write_project(tmp_path, None)
    with (root / "src" / "model.bin").open("wb") as f:  # incompressible, 51 MB
        f.write(os.urandom(51 * 1024 * 1024))
    result = build(root, check=False)
    assert result.returncode == 1
    assert "code-src.zip is 51.0 MB zipped, over Lambda's 50 MB" in result.stderr
    assert ".lambdaignore" in result.stderr
    assert manifest(root)["artifacts"]["code-src.zip"]["size"] > 50 * 1024 * 1024  # the report still shows it


def test_unsupported_runtime_is_a_clear_error(tmp_path: Path) -> None:
    root = write_project(tmp_path, None, runtime="python3.9")
    result = build(root, check=False)
    assert result.returncode == 1
    assert (
        "Runtime python3.9: lambdaworks builds for Lambda's python3.10, python3.11, python3.12, python3.13"
        in result.stderr
    )


def test_compile_ships_bytecode_for_the_target(tmp_path: Path) -> None:
    root = write_project(tmp_path, None, runtime="python3.11")
    build(root, "--compile")
    assert names(artifact(root, "ApiFunction")) == ["__pycache__/app.cpython-311.pyc", "app.py"]
    other = write_project(tmp_path / "other", None, runtime="python3.12")
    result = build(other, "--compile", check=False)
    assert result.returncode == 1
    assert "--compile writes bytecode for this Python (3.11)" in result.stderr


def test_what_never_belongs_in_a_function_is_left_out_and_listed(tmp_path: Path) -> None:
    """Credentials, key stores, shell history, tool state, node packages, tests, coverage, local
    databases and core dumps stay out; a PGP key's armour is caught by content too."""
    root = write_project(
        tmp_path,
        None,
        files={
            "src/.ssh/config": "Host *\n",
            "src/.docker/config.json": '{"auths": {}}',
            "src/.kube/config": "apiVersion: v1\n",
            "src/.npmrc": "//registry.npmjs.org/:_authToken=x\n",
            "src/credentials.csv": "User,Access key ID\n",
            "src/terraform.tfstate": "{}",
            "src/secrets.json": "{}",
            "src/keystore.jks": "jks",
            "src/keys.txt": "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----\n",
            "src/putty.ppk": "PuTTY-User-Key-File-2",
            "src/.bash_history": "export TOKEN=x\n",
            "src/local.sqlite3": "SQLite format 3",
            "src/core": "ELF core",
            "src/node_modules/left-pad/index.js": "module.exports = 1\n",
            "src/tests/test_app.py": "def test(): pass\n",
            "src/.coverage": "coverage",
            "src/pkg/__init__.py": "",
        },
    )
    result = build(root)
    assert names(artifact(root, "ApiFunction")) == ["app.py", "pkg/__init__.py"]
    left_out = dict(
        line.strip().split(": ", 1) for line in result.stdout.split("Left out:\n", 1)[1].split("\n\n")[0].splitlines()
    )
    expected = {
        "credentials": ["src/.docker/", "src/.kube/", "src/.npmrc", "src/.ssh/", "and 1 more"],  # credentials.csv
        "secrets": ["src/secrets.json"],
        "terraform state": ["src/terraform.tfstate"],
        "key store": ["src/keystore.jks"],
        "private key": ["src/keys.txt"],
        "PuTTY key": ["src/putty.ppk"],
        "shell history": ["src/.bash_history"],
        "local database": ["src/local.sqlite3"],
        "core dump": ["src/core"],
        "node packages": ["src/node_modules/"],
        "tests": ["src/tests/"],
        "coverage data": ["src/.coverage"],
    }
    for reason, paths in expected.items():
        assert all(path in left_out[reason] for path in paths), (reason, left_out.get(reason))


def test_links_leaving_the_code_folder_are_not_followed_and_loops_are_not_walked(tmp_path: Path) -> None:
    root = write_project(tmp_path, None, files={"src/pkg/util.py": "VALUE = 1\n", "outside/secret.txt": "x\n"})
    (root / "src" / "escape").symlink_to(root / "outside", target_is_directory=True)
    (root / "src" / "pkg" / "again").symlink_to(root / "src", target_is_directory=True)  # a loop
    result = build(root)
    assert names(artifact(root, "ApiFunction")) == ["app.py", "pkg/util.py"]
    assert "link out of the code folder: src/escape" in result.stdout
    assert "link loop: src/pkg/again" in result.stdout
    assert "outside" not in " ".join(names(artifact(root, "ApiFunction")))


def test_lambdaignore_brings_back_what_the_defaults_leave_out(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        None,
        files={"src/.lambdaignore": "!geo.db\n!tests/\n", "src/geo.db": "data", "src/tests/fixture.py": "X = 1\n"},
    )
    build(root)
    assert names(artifact(root, "ApiFunction")) == ["app.py", "geo.db", "tests/fixture.py"]


def test_shipped_files_are_scanned_for_credentials(tmp_path: Path) -> None:
    """AKIAIOSFODNN7EXAMPLE is the example access key id of AWS's documentation."""
    root = write_project(
        tmp_path,
        None,
        files={"src/config.py": 'AWS_KEY = "AKIAIOSFODNN7EXAMPLE"\nTOKEN = "ghp_' + "a1B2" * 9 + '"\n'},
    )
    warned = build(root)
    assert (
        "warning: src/config.py holds what looks like an AWS access key id and a GitHub token: move it to a "
        "parameter or secret" in warned.stderr
    )
    strict = build(root, "--strict", check=False)
    assert strict.returncode == 1
    assert strict.stderr.strip().splitlines()[-1].startswith("Error: src/config.py holds what looks like")
    assert "Traceback" not in strict.stderr
