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
