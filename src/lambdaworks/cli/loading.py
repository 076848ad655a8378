"""Resolve ``path/to/file.py:attr`` or ``package.module:attr`` to the object it names."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any


class TargetError(Exception):
    """The target could not be imported or does not name a usable object."""


def load_target(target: str, app_dir: Path | None = None) -> Any:
    """Import ``target`` (``file.py:attr`` or ``module:attr``; ``attr`` defaults to ``handler``)."""
    spec_text, _, attr = target.partition(":")
    attr = attr or "handler"
    if spec_text.endswith(".py"):
        path = Path(spec_text).resolve()
        if not path.is_file():
            raise TargetError(f"{spec_text} does not exist")
        sys.path.insert(0, str(path.parent))
        module_name = path.stem
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise TargetError(f"cannot import {spec_text}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise TargetError(f"importing {spec_text} failed: {type(exc).__name__}: {exc}") from exc
    else:
        sys.path.insert(0, str((app_dir or Path.cwd()).resolve()))
        try:
            module = importlib.import_module(spec_text)
        except Exception as exc:
            raise TargetError(f"importing {spec_text} failed: {type(exc).__name__}: {exc}") from exc
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise TargetError(f"{spec_text} has no attribute {attr!r}") from None
    return obj
