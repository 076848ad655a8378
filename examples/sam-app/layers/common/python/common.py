"""Shared code shipped as a layer (on sys.path like /opt/python in Lambda)."""

from __future__ import annotations

import os


def greet(name: str) -> str:
    return f"{os.environ.get('GREETING', 'Hello')}, {name}!"
