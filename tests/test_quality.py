"""Lint, format and type checks run with the tests, so CI holds the code to them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lambdaworks
import lambdaworks.runtime
import lambdaworks.testing

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / name), *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint_is_clean() -> None:
    result = tool("ruff", "check", "src", "tests", "examples", "benchmarks", "--output-format", "concise")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = tool("ruff", "format", "--check", "src", "tests", "examples", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_public_api_is_what_all_says() -> None:
    for module in (lambdaworks, lambdaworks.runtime, lambdaworks.testing):
        public = {n for n in vars(module) if not n.startswith("_") and not isinstance(getattr(module, n), type(module))}
        assert public - {"annotations"} <= set(module.__all__), module.__name__
        assert all(hasattr(module, n) for n in module.__all__), module.__name__
