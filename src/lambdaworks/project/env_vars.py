"""Local environment-variable overrides: SAM's ``--env-vars`` file, for ``dev`` and ``invoke``.

The file is a JSON object. ``"Parameters"`` holds variables for every function; an entry named
after a function (its logical ID in a SAM template, its name in the native config) holds that
function's, and wins over ``"Parameters"``; both win over the template. Values are strings,
numbers or booleans (``true`` -> ``"true"``); ``null`` is the empty string.

Unlike ``sam local``, a variable the template does not declare is set, not silently dropped; it
is named in a warning, since the deployed function will not have it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from lambdaworks.project.errors import ProjectError
from lambdaworks.project.model import Project, frozen_map

#: The entry whose variables apply to every function.
EVERY_FUNCTION = "Parameters"


def read_env_vars(path: Path) -> dict[str, dict[str, str]]:
    """The file's entries as ``{entry: {variable: value}}``; ProjectError saying what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProjectError(f"cannot read the env-vars file {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectError(f"the env-vars file {path} is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ProjectError(
            f'the env-vars file {path} must hold an object like {{"Parameters": {{"STAGE": "local"}}, '
            f'"MyFunction": {{"TABLE": "t"}}}}, not a {type(data).__name__}'
        )
    entries: dict[str, dict[str, str]] = {}
    for entry, variables in data.items():
        if not isinstance(variables, dict):
            raise ProjectError(
                f"{path}: {entry!r} must be an object of variable names and values, not {json.dumps(variables)}"
            )
        entries[entry] = {name: _text(path, entry, name, value) for name, value in variables.items()}
    return entries


def _text(path: Path, entry: str, name: str, value: Any) -> str:
    """A variable's value as the string Lambda would hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        return ""
    raise ProjectError(f"{path}: {entry}.{name} must be a string, number or boolean, not {json.dumps(value)}")


def apply_env_vars(project: Project, path: Path | None) -> Project:
    """``project`` with the file's variables over each function's environment (None: as it is).

    The file is recorded in ``project.inputs``, so saving it reloads the project like the template.
    """
    if path is None:
        return project
    path = path.resolve()
    entries = read_env_vars(path)
    every = entries.get(EVERY_FUNCTION, {})
    warnings = list(project.warnings)
    unknown = sorted(set(entries) - {EVERY_FUNCTION} - set(project.functions))
    if unknown:
        warnings.append(
            f"{path.name}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a function of the project "
            f"(functions: {', '.join(sorted(project.functions)) or 'none'}); those variables are not used"
        )
    functions = {}
    undeclared: dict[tuple[str, ...], list[str]] = {}  # variables the template lacks -> the functions given them
    for name, function in project.functions.items():
        variables = {**every, **entries.get(name, {})}
        if not variables:
            functions[name] = function
            continue
        local_only = tuple(sorted(set(variables) - set(function.environment)))
        if local_only:
            undeclared.setdefault(local_only, []).append(name)
        functions[name] = replace(function, environment=frozen_map({**function.environment, **variables}))
    for names, given in undeclared.items():
        whom = "every function" if len(given) == len(project.functions) > 1 else ", ".join(sorted(given))
        warnings.append(
            f"{path.name} sets {', '.join(names)} for {whom}, but the template does not declare "
            f"{'it' if len(names) == 1 else 'them'}: local only, not deployed"
        )
    return replace(project, functions=frozen_map(functions), warnings=tuple(warnings), inputs=(*project.inputs, path))
