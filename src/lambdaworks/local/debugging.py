"""Which functions run under a debugger (``dev --debug FUNCTION``, ``invoke FUNCTION --debug``),
and what that changes for them: each gets its own loopback port (from ``--debug-port`` on: where
debugpy listens, or where PyCharm's debug server is connected to), one environment at a time, and
no limit that would end a paused breakpoint (the function's timeout, the init timeout, the gateway's
integration timeout and the memory limit, since the debugger's own processes count).
The other functions keep their limits.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambdaworks.local.debuggee import DEBUG_LIMIT, DEBUGGER_VARIABLE, PORT_VARIABLE, PYCHARM, WAIT_VARIABLE
from lambdaworks.project.model import Function, Project, frozen_map

DEBUG_MEMORY = 10240  # Lambda's largest MemorySize: the debugger's adapter runs in the environment too
DEFAULT_PORT = 5678  # debugpy's own default
DEBUGPY = "debugpy"


class DebugError(Exception):
    """A function asked for by --debug is not in the project."""


def is_debugged(function: Function) -> bool:
    """Whether ``function`` runs under a debugger (its plan gave it a port)."""
    return PORT_VARIABLE in function.environment


@dataclass(frozen=True)
class DebugPlan:
    """Function name -> its debugger's port; ``wait``: the first invocation waits for the debugger;
    ``debugger``: ``debugpy`` (listens, for VS Code) or ``pycharm`` (connects to PyCharm's debug server)."""

    ports: Mapping[str, int]
    wait: bool = False
    debugger: str = DEBUGPY

    @classmethod
    def of(
        cls,
        names: Sequence[str],
        project: Project,
        port: int = DEFAULT_PORT,
        wait: bool = False,
        debugger: str = DEBUGPY,
    ) -> DebugPlan:
        """``names`` (``all`` for every function), a port each from ``port`` on."""
        chosen = sorted(project.functions) if "all" in names else list(dict.fromkeys(names))
        unknown = [name for name in chosen if name not in project.functions]
        if unknown:
            raise DebugError(f"no function {unknown[0]!r}; the project has {', '.join(sorted(project.functions))}")
        return cls({name: port + index for index, name in enumerate(chosen)}, wait, debugger)

    def apply(self, project: Project) -> Project:
        """``project`` with its debugged functions unlimited, on one environment, with their ports."""
        functions = dict(project.functions)
        for name, port in self.ports.items():
            function = functions.get(name)
            if function is None:
                continue
            variables = {**function.environment, PORT_VARIABLE: str(port)}
            if self.wait:
                variables[WAIT_VARIABLE] = "1"
            if self.debugger == PYCHARM:
                variables[DEBUGGER_VARIABLE] = PYCHARM
            functions[name] = dataclasses.replace(
                function,
                timeout=DEBUG_LIMIT,
                memory_size=DEBUG_MEMORY,
                reserved_concurrency=1,
                environment=frozen_map(variables),
            )
        return dataclasses.replace(project, functions=frozen_map(functions))

    def launch_configuration(self, name: str, function: Function, source: Path | None = None) -> dict[str, Any]:
        """A VS Code ``launch.json`` entry attaching to ``name``'s debugger. ``source``: the code's own
        folder when the function runs from a build (``--from-build``), for ``pathMappings``."""
        entry: dict[str, Any] = {
            "name": f"lambdaworks: {name}",
            "type": "debugpy",
            "request": "attach",
            "connect": {"host": "127.0.0.1", "port": self.ports[name]},
            "justMyCode": True,
        }
        if source is not None and source != function.code_uri:
            entry["pathMappings"] = [{"localRoot": str(source), "remoteRoot": str(function.code_uri)}]
        return entry

    def describe(self, project: Project, sources: Mapping[str, Path] | None = None) -> list[str]:
        """The start-up lines: where to attach, and a ready launch.json entry for each function (for
        PyCharm: the debug server to start, and its path mappings under ``--from-build``)."""
        lines = []
        for name, port in self.ports.items():
            if self.debugger == PYCHARM:
                lines.append(
                    f"debugger for {name}: its environment connects to PyCharm's Python Debug Server on "
                    f"127.0.0.1:{port} and waits for it; limits lifted, one environment"
                )
                source, code = (sources or {}).get(name), project.functions[name].code_uri
                if source is not None and source != code:
                    lines.append(f"  PyCharm path mappings: {source}={code}")
                continue
            waits = " (its first invocation waits for the debugger)" if self.wait else ""
            lines.append(f"debugger for {name}: attach to 127.0.0.1:{port}{waits}; limits lifted, one environment")
            entry = self.launch_configuration(name, project.functions[name], (sources or {}).get(name))
            lines.append("  launch.json: " + json.dumps(entry))
        return lines

    def reattach(self, name: str) -> str:
        """The log line when ``name``'s code changed: the new environment's debugger starts again."""
        port = self.ports[name]
        if self.debugger == PYCHARM:
            return (
                f"debugger: the new environment connects to PyCharm's debug server on 127.0.0.1:{port} again "
                "(start the server again if it stopped)"
            )
        return f"debugger: the new environment listens on 127.0.0.1:{port} again; reattach"
